import { z } from "zod";
import type { Ctx } from "../context/index.ts";
import type { Keyring } from "../crypto/secret-box.ts";
import { InputError } from "../errors/index.ts";
import type { MailProbe, ProbeMessage } from "../port/mail-probe.ts";
import { mailboxAddress } from "./address.ts";
import { imapServer, parseOrThrow, smtpServer } from "./config-schema.ts";
import type { EmailConfig, ImapServer, SmtpServer } from "./email-config.ts";
import { channelState, fromOf, loadInbox } from "./index.ts";
import { resolvePasswords, secretsForView } from "./secrets.ts";

export type ProbeKind = "imap" | "smtp";

/**
 * What a test of a form's servers answers: HelperIQ's `ok` and LibreDesk's `success` (always true: a failing
 * server is a 400 naming it), the summed round trips, and a line per server tested, under LibreDesk's names.
 */
export type FormTestAnswer = { ok: true; success: true; latency_ms: number; imap_logs: string[]; smtp_logs: string[] };

/**
 * Tests an email inbox's IMAP or SMTP servers, in order, with their stored (unsealed) passwords. With
 * `unsaved`, a `config` as a PUT would send it, the servers are tested as they would be after that PUT
 * (same validation, same keep-the-stored-password rules) without saving anything. The first failing server
 * is a 400 naming it: `config.imap[0]: authentication failed for user "x"`. With `only`, the server at that
 * index alone is tested (a form's "test" button beside one of several servers).
 */
export async function testInboxServers(
  ctx: Ctx,
  ring: Keyring,
  probe: MailProbe,
  id: number,
  kind: ProbeKind,
  unsaved?: Record<string, unknown>,
  only?: number,
): Promise<{ ok: true; latency_ms: number }> {
  const row = await loadInbox(ctx, id);
  const label = kind.toUpperCase();
  if (row.channel !== "email") throw new InputError(`channel: a ${row.channel} inbox has no ${label} servers`);
  const stored = { config: row.config, from: row.from, secrets: secretsForView(ring, row.secrets) };
  const state = unsaved
    ? channelState("email", { ...row.config, ...unsaved }, fromOf(undefined, unsaved, row.from), stored)
    : stored;
  const servers = serversOf(state, kind);
  if (servers.length === 0) throw new InputError(`config.${kind}: no ${label} server configured`);
  if (only !== undefined) {
    const server = servers[only];
    if (!server) throw new InputError(`server: there is no ${label} server ${only} (${servers.length} configured)`);
    return { ok: true, latency_ms: (await probeServer(probe, kind, server, `config.${kind}[${only}]`)).latencyMs };
  }
  return { ok: true, latency_ms: (await probeServers(probe, kind, servers, `config.${kind}`)).latencyMs };
}

/**
 * The inbox form's test before it is saved (`POST /inboxes/test` with the create body): the form's IMAP
 * servers (if any), then its SMTP servers, validated as a create would; nothing is stored. The first
 * failing server is a 400 naming it, like the saved inbox's tests.
 */
export async function testUnsavedInbox(
  probe: MailProbe,
  input: { channel: string; from?: string | undefined; config?: Record<string, unknown> | undefined },
): Promise<FormTestAnswer> {
  if (input.channel !== "email") throw new InputError(`channel: a ${input.channel} inbox has no servers to test`);
  const config = input.config ?? {};
  const state = channelState("email", config, fromOf(input.from, config, ""), { config: {}, from: "", secrets: {} });
  // The email config requires an SMTP server (channelState): there is always something to test.
  const imap = await probeServers(probe, "imap", serversOf(state, "imap"), "config.imap");
  const smtp = await probeServers(probe, "smtp", serversOf(state, "smtp"), "config.smtp");
  return formAnswer(imap, smtp);
}

/** LibreDesk's test of one section of the inbox form: its IMAP or its SMTP server, as the form holds it. */
export type ServerFormInput = {
  /** The saved inbox being edited, whose stored passwords a masked or empty one stands for. */
  inbox_id?: number | undefined;
  imap?: Record<string, unknown> | undefined;
  smtp?: Record<string, unknown> | undefined;
  /** Where the SMTP server is to send a test message; empty: log in only. */
  test_email?: string | undefined;
};

/**
 * LibreDesk's "test connection" of one section of the inbox form (`POST /inboxes/test` with `{imap}` or
 * `{smtp, test_email}`): that server, validated as saving it would (`imap[0].port: …`), nothing stored. When
 * editing a saved inbox (`inbox_id`), a masked or empty password is the stored one while the host and
 * username stay the same (resolvePasswords), so a form cannot send a stored password to another host. With
 * `test_email`, the SMTP server then sends a test message there, from the inbox's address (a new inbox's:
 * its SMTP username, when that is an address).
 */
export async function testInboxServerForm(
  ctx: Ctx,
  ring: Keyring,
  probe: MailProbe,
  input: ServerFormInput,
): Promise<FormTestAnswer> {
  if (input.imap === undefined && input.smtp === undefined)
    throw new InputError("imap: give the imap or smtp server to test");
  const saved = input.inbox_id === undefined ? undefined : await loadInbox(ctx, input.inbox_id);
  if (saved && saved.channel !== "email")
    throw new InputError(`inbox_id: a ${saved.channel} inbox has no mail servers`);
  const before = (saved?.config ?? {}) as Partial<EmailConfig>;
  const secrets = saved ? secretsForView(ring, saved.secrets) : {};

  const imapServers: ImapServer[] = [];
  if (input.imap !== undefined) {
    const parsed = parseOrThrow(z.array(imapServer), [input.imap], "imap");
    const passwords = resolvePasswords("imap", parsed, before.imap ?? [], secrets.imap, () => true);
    imapServers.push(...parsed.map((server, i) => ({ ...server, password: passwords[i]! })));
  }
  const smtpServers: SmtpServer[] = [];
  if (input.smtp !== undefined) {
    const parsed = parseOrThrow(z.array(smtpServer), [input.smtp], "smtp");
    const passwords = resolvePasswords("smtp", parsed, before.smtp ?? [], secrets.smtp, (s) => s.username !== "");
    smtpServers.push(...parsed.map((server, i) => ({ ...server, password: passwords[i]! })));
  }
  let message: ProbeMessage | undefined;
  if (input.test_email && smtpServers.length > 0) {
    const sender = [saved?.from ?? "", smtpServers[0]!.username].find(
      (candidate) => mailboxAddress(candidate) !== undefined,
    );
    if (!sender)
      throw new InputError("test_email: a test message needs a sender, and the SMTP username is not an email address");
    message = testMessage(sender, input.test_email, "this inbox's outgoing mail server");
  }
  const imap = await probeServers(probe, "imap", imapServers, "imap");
  const smtp = await probeServers(probe, "smtp", smtpServers, "smtp", message);
  return formAnswer(imap, smtp);
}

/** The message a "send test" sends: it says what sent it and why, and needs no answer. */
export function testMessage(from: string, to: string, what: string): ProbeMessage {
  return {
    from,
    to,
    subject: "HelperIQ test message",
    text: `HelperIQ sent this message to check ${what}. It arrived, so the server works; there is nothing to do.`,
  };
}

type ServerState = { config: Record<string, unknown>; secrets: { imap?: string[]; smtp?: string[] } };
type Probed = { latencyMs: number; logs: string[] };

/** A validated config's servers of `kind`, each with its password. */
function serversOf(state: ServerState, kind: ProbeKind) {
  const passwords = state.secrets[kind] ?? [];
  return ((state.config as Partial<EmailConfig>)[kind] ?? []).map((server, i) => ({
    ...server,
    password: passwords[i] ?? "",
  }));
}

const formAnswer = (imap: Probed, smtp: Probed): FormTestAnswer => ({
  ok: true,
  success: true,
  latency_ms: imap.latencyMs + smtp.latencyMs,
  imap_logs: imap.logs,
  smtp_logs: smtp.logs,
});

/** Tries each server in order (an SMTP one sending `message` too); the first failure is a 400 naming `field[i]`. */
async function probeServers(
  probe: MailProbe,
  kind: ProbeKind,
  servers: (ImapServer | SmtpServer)[],
  field: string,
  message?: ProbeMessage,
): Promise<Probed> {
  const result: Probed = { latencyMs: 0, logs: [] };
  for (const [i, server] of servers.entries()) {
    const { latencyMs, log } = await probeServer(probe, kind, server, `${field}[${i}]`, message);
    result.latencyMs += latencyMs;
    result.logs.push(log);
  }
  return result;
}

const TLS_LABEL = { none: "no TLS", starttls: "STARTTLS", tls: "TLS" } as const;

/**
 * Tests one server (an SMTP one sending `message` too): a failure is a 400 `<field>: <reason>`; a success
 * is its round trip and a line saying what was done, for the person who pressed "test".
 */
export async function probeServer(
  probe: MailProbe,
  kind: ProbeKind,
  server: ImapServer | SmtpServer,
  field: string,
  message?: ProbeMessage,
): Promise<{ latencyMs: number; log: string }> {
  const outcome =
    kind === "imap" ? await probe.imap(server as ImapServer) : await probe.smtp(server as SmtpServer, message);
  if (!outcome.ok) throw new InputError(`${field}: ${outcome.reason}`);
  const login = server.username ? `logged in as ${server.username}` : "connected (no login)";
  const done =
    kind === "imap"
      ? `${login} and opened ${(server as ImapServer).mailbox}`
      : message
        ? `${login} and sent a test message to ${message.to}`
        : login;
  return {
    latencyMs: outcome.latencyMs,
    log: `${kind.toUpperCase()} ${server.host}:${server.port} (${TLS_LABEL[server.tls]}): ${done} in ${outcome.latencyMs} ms`,
  };
}
