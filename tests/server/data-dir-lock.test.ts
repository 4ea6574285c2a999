import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { DataDirInUse, LOCK_FILE, lockDataDir, processStartTime } from "@helperiq/server/data-dir-lock";
import { afterAll, afterEach, describe, expect, it } from "vitest";

/** One server per DATA_DIR: real `npm start` processes on a temporary directory, and the lock itself. */
const dirs: string[] = [];
const children: ChildProcess[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hq-lock-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Run = { child: ChildProcess; output: () => string; exited: Promise<number | null>; listening: Promise<string> };

/** `npm start` as a user runs it (the same entry, without npm in between so the PID is the server's). */
function start(dataDir: string): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts"], {
    env: {
      ...process.env,
      PORT: "0",
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: "a long admin password",
      DEFAULT_TENANT: "default",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      output += d;
      const url = /listening on (\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.stderr!.on("data", (d) => (output += d));
    child.on("exit", () => reject(new Error(`server exited before listening:\n${output}`)));
  });
  listening.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited, listening };
}

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")("one server per data directory", () => {
  it("refuses a second server on a DATA_DIR in use, naming the directory and the PID, and starts after the first was killed -9", async () => {
    const dataDir = tempDir();
    const first = start(dataDir);
    const url = await first.listening;
    expect((await fetch(`${url}/health`)).status).toBe(200);

    const second = start(dataDir);
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(
      `DATA_DIR ${dataDir} is in use by another HelperIQ server (PID ${first.child.pid})`,
    );
    // The first one is unharmed.
    expect((await fetch(`${url}/health`)).status).toBe(200);

    first.child.kill("SIGKILL");
    await first.exited;
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true); // left behind by the crash

    const third = start(dataDir);
    const again = await third.listening;
    expect((await fetch(`${again}/health`)).status).toBe(200);
    const holder = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), "utf8")) as { pid: number };
    expect(holder.pid).toBe(third.child.pid);

    // A clean stop gives the directory back.
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  }, 300_000); // Three cold starts of a real process (PGlite migrations on a fresh directory) on a possibly busy machine.

  it("holds the directory against a second lock in the same process and releases it once", () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUse);
    expect(() => lockDataDir(dir)).toThrow(`(PID ${process.pid})`);
    lock.release();
    const next = lockDataDir(dir);
    // A late release by the old holder must not remove the new holder's lock.
    lock.release();
    expect(() => lockDataDir(dir)).toThrow(DataDirInUse);
    next.release();
  });

  it("takes over a lock whose PID was reused by another process (same PID, other start time)", () => {
    const dir = tempDir();
    // PID 1 runs, but it is not the process that wrote this lock.
    const stale = { pid: 1, started: `${processStartTime(1)}-not-this-one`, host: hostname(), nonce: "x" };
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(stale));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.file, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("takes over a lock whose process is gone, and one that is not a lock at all", () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 2 ** 22 + 7, started: "gone", host: hostname(), nonce: "x" }),
    );
    lockDataDir(dir).release();
    writeFileSync(path.join(dir, LOCK_FILE), "garbage");
    lockDataDir(dir).release();
  });

  it("keeps out when the holder is a live process, or a server on another host it cannot check", () => {
    const dir = tempDir();
    const live = { pid: 1, started: processStartTime(1), host: hostname(), nonce: "x" };
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(live));
    expect(() => lockDataDir(dir)).toThrow(`DATA_DIR ${dir} is in use by another HelperIQ server (PID 1)`);
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ ...live, pid: 4242, host: "elsewhere.example" }));
    expect(() => lockDataDir(dir)).toThrow(/PID 4242 on host elsewhere\.example.*delete .*server\.lock/);
  });
});
