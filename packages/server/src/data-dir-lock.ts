import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/** The lock file inside DATA_DIR: JSON naming the process that holds the directory. */
export const LOCK_FILE = "server.lock";

/**
 * Who holds a data directory. `started` is the process's start time as the OS reports it (boot id and
 * start tick on Linux), so a PID reused after a crash by some other process does not count as the holder.
 */
export type LockHolder = { pid: number; started: string | null; host: string; nonce: string };

export class DataDirInUse extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.host === hostname() ? "" : ` on host ${holder.host}`;
    super(
      `DATA_DIR ${dir} is in use by another HelperIQ server (PID ${holder.pid}${where}); stop that server first or set another DATA_DIR` +
        (where ? ` (if that server is gone, delete ${path.join(dir, LOCK_FILE)})` : ""),
    );
  }
}

export type DataDirLock = { file: string; release(): void };

/**
 * Takes the data directory for this process: one PGlite database has one writer, and two servers on one
 * directory lose acknowledged writes. A lock left by a process that is gone (kill -9, power loss) is
 * taken over; a live holder makes this throw DataDirInUse naming the directory and its PID.
 *
 * The lock file is created whole with link(2), which fails if the name exists, so no reader sees half a
 * file and of two starters exactly one creates it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    started: processStartTime(process.pid),
    host: hostname(),
    nonce: randomUUID(),
  };
  const body = `${JSON.stringify(me)}\n`;
  // Each round either creates the file, or finds a live holder, or removes one stale lock; a few rounds
  // cover starters racing for the same stale lock.
  for (let round = 0; round < 5; round++) {
    if (createExclusive(file, body)) return { file, release: () => releaseIfOurs(file, body) };
    const text = readOrNull(file);
    if (text === null) continue; // removed between our attempt and the read
    const holder = parseHolder(text);
    if (holder && isAlive(holder)) throw new DataDirInUse(dir, holder);
    setAsideStale(file, text);
  }
  throw new Error(`could not lock DATA_DIR ${dir}: its lock file ${file} kept changing`);
}

function createExclusive(file: string, body: string): boolean {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temp, body, { mode: 0o644, flush: true });
  try {
    linkSync(temp, file);
    return true;
  } catch (err) {
    if (code(err) === "EEXIST") return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Moves the stale lock whose text we read out of the way. Another starter may have replaced it with its
 * own live lock since we read it: then the rename took theirs, and it is linked back before anyone else
 * can create the name (the next round then finds that live holder).
 */
function setAsideStale(file: string, staleText: string) {
  const aside = `${file}.stale.${process.pid}.${randomUUID()}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if (code(err) === "ENOENT") return; // another starter removed it first
    throw err;
  }
  try {
    if (readFileSync(aside, "utf8") !== staleText) linkSync(aside, file);
  } catch (err) {
    if (code(err) !== "EEXIST") throw err;
  } finally {
    unlinkSync(aside);
  }
}

function releaseIfOurs(file: string, body: string) {
  if (readOrNull(file) === body) unlinkSync(file);
}

function isAlive(holder: LockHolder): boolean {
  // Another machine's PIDs mean nothing here (a shared network directory): keep out.
  if (holder.host !== hostname()) return true;
  if (holder.started !== null) return processStartTime(holder.pid) === holder.started;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return code(err) === "EPERM";
  }
}

/**
 * When process `pid` started, as an opaque string, or null when no such process runs (or the platform
 * cannot say). Linux: boot id + start time in clock ticks (/proc/<pid>/stat, field 22); elsewhere ps(1).
 */
export function processStartTime(pid: number): string | null {
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
      return `${bootId}:${fields[19]}`;
    } catch {
      return null;
    }
  }
  try {
    const started = execFileSync("ps", ["-o", "lstart=", "-p", String(pid)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return started || null;
  } catch {
    return null;
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isInteger(value.pid) || typeof value.host !== "string") return null;
    return {
      pid: value.pid!,
      started: typeof value.started === "string" ? value.started : null,
      host: value.host,
      nonce: String(value.nonce ?? ""),
    };
  } catch {
    // Not written by lockDataDir (files are created whole): nothing holds it.
    return null;
  }
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if (code(err) === "ENOENT") return null;
    throw err;
  }
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;
