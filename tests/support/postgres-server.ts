// Throwaway PostgreSQL 15 server (with pgvector + pg_trgm) for tests.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { appendFile, chown, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./free-port.ts";

const execFileAsync = promisify(execFile);

const PG_MAJOR = 15;
/** The server's programs (initdb, pg_ctl, psql). */
export const PG_BINDIR = process.env.HELPERIQ_PG_BINDIR ?? `/usr/lib/postgresql/${PG_MAJOR}/bin`;
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PROVISION_SCRIPT = path.join(REPO_ROOT, "scripts", "provision-postgres.sh");
const REPO_DATA_BASE = path.join(REPO_ROOT, ".test-work", "pg");
const SUPERUSER = "postgres";
const EXTENSIONS = ["vector", "pg_trgm"];
const READY_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;

// Written into postgresql.conf rather than passed via `pg_ctl -o`, which goes through a shell.
const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: "'127.0.0.1'",
  unix_socket_directories: "''",
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  max_connections: "200",
};

export interface PostgresServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The OS account that owns and runs the cluster (postgres refuses to run as root). */
interface ClusterOwner {
  uid: number;
  gid: number;
  /** Command prefix that runs a program as the owner. */
  prefix: string[];
}

export async function startPostgres(opts: { port?: number } = {}): Promise<PostgresServer> {
  if (process.env.HELPERIQ_SKIP_PROVISION !== "1") provision();
  const owner = clusterOwner();
  const dataDir = await makeDataDir(owner);
  const stop = registerStop(owner, dataDir);
  try {
    await initCluster(owner, dataDir);
    const port = await startServer(owner, dataDir, opts.port);
    const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
    await waitUntilReady(url);
    await installExtensions(url);
    return { url, port, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const templateClause = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : "";
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${templateClause}`));
  return databaseUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
}

function provision(): void {
  // stdout is mapped to our stderr so provisioning chatter never pollutes a reporter on stdout.
  const res = spawnSync("bash", [PROVISION_SCRIPT], { stdio: ["ignore", 2, "inherit"] });
  if (res.error) throw new Error(`could not run ${PROVISION_SCRIPT}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${PROVISION_SCRIPT} failed (exit ${res.status ?? res.signal})`);
}

function clusterOwner(): ClusterOwner {
  if (process.getuid?.() !== 0) {
    return { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1, prefix: [] };
  }
  return {
    uid: Number(commandOutput("id", ["-u", "postgres"])),
    gid: Number(commandOutput("id", ["-g", "postgres"])),
    prefix: ["runuser", "-u", "postgres", "--"],
  };
}

function commandOutput(cmd: string, args: string[]): string {
  const res = spawnSync(cmd, args, { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${res.stderr || res.error?.message}`);
  return res.stdout.trim();
}

/** A fresh, empty directory the owner can write; prefers the repo's .test-work, else /tmp. */
async function makeDataDir(owner: ClusterOwner): Promise<string> {
  const candidates = [path.join(REPO_DATA_BASE, "cluster-"), "/tmp/helperiq-test-pg-"];
  for (const prefix of candidates) {
    const dir = await tryMakeOwnedDir(owner, prefix);
    if (dir) return dir;
  }
  throw new Error(`no writable data directory for uid ${owner.uid} (tried ${candidates.join(", ")})`);
}

async function tryMakeOwnedDir(owner: ClusterOwner, prefix: string): Promise<string | undefined> {
  try {
    await mkdir(path.dirname(prefix), { recursive: true });
    const dir = await mkdtemp(prefix);
    if (owner.prefix.length > 0) await chown(dir, owner.uid, owner.gid);
    // Every ancestor must also be traversable by the owner, which chown alone does not guarantee.
    if (ownerCanWrite(owner, dir)) return dir;
    await rm(dir, { recursive: true, force: true });
  } catch {
    // fall through to the next candidate
  }
  return undefined;
}

function ownerCanWrite(owner: ClusterOwner, dir: string): boolean {
  const argv = [...owner.prefix, "test", "-w", dir];
  return spawnSync(argv[0]!, argv.slice(1)).status === 0;
}

async function initCluster(owner: ClusterOwner, dataDir: string): Promise<void> {
  await runAsOwner(owner, dataDir, "initdb", [
    "-D",
    dataDir,
    "-U",
    SUPERUSER,
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
    "--no-instructions",
  ]);
  const lines = Object.entries(SERVER_SETTINGS).map(([k, v]) => `${k} = ${v}`);
  // Appending as root keeps the file's postgres ownership.
  await appendFile(path.join(dataDir, "postgresql.conf"), `\n# helperiq test settings\n${lines.join("\n")}\n`);
}

/** Starts the server, retrying with a new port if an auto-picked one was taken meanwhile. */
async function startServer(owner: ClusterOwner, dataDir: string, fixedPort?: number): Promise<number> {
  const logFile = path.join(dataDir, "server.log");
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    try {
      await runAsOwner(owner, dataDir, "pg_ctl", [
        "start",
        "-w",
        "-t",
        String(READY_TIMEOUT_MS / 1000),
        "-D",
        dataDir,
        "-l",
        logFile,
        "-o",
        `-p ${port}`,
      ]);
      return port;
    } catch (err) {
      const log = await readFile(logFile, "utf8").catch(() => "");
      const portTaken = /could not bind|already in use/i.test(log);
      if (fixedPort === undefined && portTaken && attempt < START_ATTEMPTS) continue;
      throw new Error(`${(err as Error).message}\n--- server.log ---\n${log.slice(-4000)}`);
    }
  }
}

async function runAsOwner(owner: ClusterOwner, cwd: string, program: string, args: string[]): Promise<void> {
  const argv = [...owner.prefix, path.join(PG_BINDIR, program), ...args];
  try {
    // cwd must be readable by the owner, or the pg tools warn about the inaccessible directory.
    await execFileAsync(argv[0]!, argv.slice(1), { cwd, env: { ...process.env, LC_MESSAGES: "C" } });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${program} ${args.join(" ")} failed: ${e.stderr?.trim() || e.message}`);
  }
}

async function stopServer(owner: ClusterOwner, dataDir: string): Promise<void> {
  if (!existsSync(path.join(dataDir, "postmaster.pid"))) return;
  await runAsOwner(owner, dataDir, "pg_ctl", ["stop", "-w", "-m", "immediate", "-D", dataDir]).catch(() => {});
}

/** Returns an idempotent stop(); an exit hook covers callers that never call it. */
function registerStop(owner: ClusterOwner, dataDir: string): () => Promise<void> {
  const onExit = (): void => {
    if (existsSync(path.join(dataDir, "postmaster.pid"))) {
      const argv = [...owner.prefix, path.join(PG_BINDIR, "pg_ctl"), "stop", "-m", "immediate", "-D", dataDir];
      spawnSync(argv[0]!, argv.slice(1), { cwd: "/", stdio: "ignore" });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once("exit", onExit);
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      process.off("exit", onExit);
      await stopServer(owner, dataDir);
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      await withClient(url, (c) => c.query("SELECT 1"));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`postgres at ${url} not ready: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** template1 makes the extensions present in every later CREATE DATABASE; postgres is the admin db. */
async function installExtensions(url: string): Promise<void> {
  for (const db of ["template1", "postgres"]) {
    await withClient(databaseUrl(url, db), async (c) => {
      for (const ext of EXTENSIONS) await c.query(`CREATE EXTENSION IF NOT EXISTS ${pg.escapeIdentifier(ext)}`);
    });
  }
}

function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
