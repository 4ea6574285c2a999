// A private Dovecot IMAP server for the mail suites: started per test file on 127.0.0.1, never as a daemon.
//
//   const imap = await startDovecot();                 // beforeAll
//   const box = await imap.addUser();                  // a fresh user (its own maildir) → ImapServer settings
//   await imap.append(box, rawMessage);                // APPEND to INBOX (or box.mailbox) through imapflow
//   await imap.stop();                                 // afterAll
//
// Plaintext auth on loopback, users in passwd-files (one per user), maildir under a
// temp dir that is removed on stop. Install Dovecot with scripts/provision-dovecot.sh (scripts/test.sh does).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import type { ImapServer } from "@helperiq/core/inbox/email-config";
import { freePort } from "./free-port.ts";

const DOVECOT = process.env.HELPERIQ_DOVECOT_BIN ?? "/usr/sbin/dovecot";
const READY_TIMEOUT_MS = 15_000;
/** Dovecot refuses uid 0 for mail access: as root, maildirs belong to `nobody`. */
const NOBODY = 65534;

export type Dovecot = {
  host: string;
  port: number;
  /** A new user with an empty INBOX (plus `mailbox`, created when not INBOX); settings ready for an inbox's `imap[]`. */
  addUser(opts?: { mailbox?: string }): Promise<ImapServer>;
  /** APPENDs raw RFC 5322 messages, in order, to `server.mailbox`; returns their UIDs. */
  append(server: ImapServer, ...raw: (string | Uint8Array)[]): Promise<number[]>;
  /** Deletes and recreates `server.mailbox` (a new UIDVALIDITY); not for INBOX. */
  recreateMailbox(server: ImapServer): Promise<void>;
  /** An imapflow client logged in as the user, for anything else; log it out when done. */
  client(server: ImapServer): Promise<ImapFlow>;
  stop(): Promise<void>;
};

let users = 0;

export async function startDovecot(): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) throw new Error(`${DOVECOT} is missing: run scripts/provision-dovecot.sh`);
  const dir = await mkdtemp(join(tmpdir(), "hq-dovecot-"));
  const root = process.getuid?.() === 0;
  const mailUid = root ? NOBODY : process.getuid!();
  const mailGid = root ? NOBODY : process.getgid!();
  const systemUser = root ? null : (process.env.USER ?? "nobody");
  await Promise.all(["run", "state", "mail"].map((d) => mkdir(join(dir, d))));
  if (root) {
    // mkdtemp makes the directory 0700: the mail processes (as `nobody`) must be able to reach their maildirs.
    await chmod(dir, 0o755);
    await chown(join(dir, "mail"), mailUid, mailGid);
  }
  await mkdir(join(dir, "users"));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    await writeFile(join(dir, "dovecot.conf"), config(dir, port, mailUid, mailGid, systemUser));
    const child = spawn(DOVECOT, ["-F", "-c", join(dir, "dovecot.conf")], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (b: Buffer) => void (output += b.toString()));
    child.stderr!.on("data", (b: Buffer) => void (output += b.toString()));
    try {
      await waitForPort(port, child);
      return handle(dir, port, child);
    } catch (err) {
      lastError = new Error(`dovecot did not start on port ${port}: ${String(err)}\n${output}\n${readLog(dir)}`);
      await stopChild(child);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

function config(dir: string, port: number, uid: number, gid: number, systemUser: string | null) {
  return `
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = hq-dovecot-${port}
protocols = imap
listen = 127.0.0.1
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = ${Math.min(uid, 500)}
first_valid_gid = 0
mail_location = maildir:${dir}/mail/%u
${systemUser ? `default_internal_user = ${systemUser}\ndefault_login_user = ${systemUser}` : "default_internal_user = dovecot\ndefault_login_user = dovenull"}
# Large test messages (a 20 MB attachment) and benchmark batches.
imap_max_line_length = 1M
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
passdb {
  driver = passwd-file
  # One passwd-file per user: Dovecot re-reads a changed file only when its mtime moves a whole second,
  # so users appended to one file within a second would not be found.
  args = scheme=PLAIN username_format=%u ${dir}/users/%u
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
`;
}

function handle(dir: string, port: number, child: ChildProcess): Dovecot {
  const host = "127.0.0.1";
  // A test process that dies without stop() must not leave a Dovecot behind (its children follow the master).
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const client = async (server: ImapServer) => {
    const c = new ImapFlow({
      host,
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: server.username, pass: server.password },
      logger: false,
    });
    await c.connect();
    return c;
  };
  const withClient = async <T>(server: ImapServer, fn: (c: ImapFlow) => Promise<T>) => {
    const c = await client(server);
    try {
      return await fn(c);
    } finally {
      await c.logout().catch(() => c.close());
    }
  };
  return {
    host,
    port,
    client,
    async addUser(opts = {}) {
      const username = `user${process.pid}x${++users}`;
      const password = `pw-${Math.random().toString(36).slice(2)}`;
      await writeFile(join(dir, "users", username), `${username}:{PLAIN}${password}\n`);
      const server: ImapServer = {
        host,
        port,
        tls: "none",
        username,
        password,
        mailbox: opts.mailbox ?? "INBOX",
        read_interval: "1m",
        tls_skip_verify: false,
      };
      if (server.mailbox !== "INBOX")
        await withClient(server, (c) => c.mailboxCreate(server.mailbox).then(() => undefined));
      return server;
    },
    append(server, ...raw) {
      return withClient(server, async (c) => {
        const uids: number[] = [];
        for (const message of raw) {
          const done = await c.append(server.mailbox, typeof message === "string" ? message : Buffer.from(message));
          if (!done || typeof done.uid !== "number") throw new Error("APPEND returned no UID");
          uids.push(done.uid);
        }
        return uids;
      });
    },
    recreateMailbox(server) {
      if (server.mailbox.toUpperCase() === "INBOX") throw new Error("INBOX cannot be recreated");
      return withClient(server, async (c) => {
        await c.mailboxDelete(server.mailbox);
        await c.mailboxCreate(server.mailbox);
      });
    },
    async stop() {
      process.off("exit", killOnExit);
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function readLog(dir: string) {
  try {
    return readFileSync(join(dir, "dovecot.log"), "utf8");
  } catch {
    return "";
  }
}

async function waitForPort(port: number, child: ChildProcess) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  child.once("exit", () => void (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error("dovecot exited");
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("data", (b) => {
        socket.destroy();
        resolve(b.toString().startsWith("* OK"));
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out");
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
