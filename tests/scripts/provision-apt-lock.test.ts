import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";

/**
 * scripts/provision-lib.sh's apt_get against a stand-in apt-get on PATH and a lock file of the test's own:
 * another process holding "the apt lock" makes provisioning wait and say so, not fail at once.
 */
const LIB = path.resolve("scripts/provision-lib.sh");
const dir = mkdtempSync(path.join(tmpdir(), "hq-apt-lock-"));
const lockFile = path.join(dir, "lock-frontend");
const calls = path.join(dir, "apt-get.calls");
writeFileSync(lockFile, "");
// Records its arguments and the time it ran; fails like apt-get does when told to.
writeFileSync(
  path.join(dir, "apt-get"),
  `#!/usr/bin/env bash\necho "$(date +%s%3N) DEBIAN_FRONTEND=$DEBIAN_FRONTEND RUNLEVEL=\${RUNLEVEL:-} $*" >> ${JSON.stringify(calls)}\nexit "\${FAKE_APT_EXIT:-0}"\n`,
);
chmodSync(path.join(dir, "apt-get"), 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const holders: ChildProcess[] = [];
afterEach(() => {
  // The whole group: flock's `sleep` child inherits the locked descriptor.
  for (const h of holders.splice(0)) if (h.exitCode === null) process.kill(-h.pid!, "SIGKILL");
  rmSync(calls, { force: true });
});

/** Holds an exclusive lock on the test's lock file for `ms`, as another apt/dpkg process would. */
async function holdLock(ms: number): Promise<number> {
  const holder = spawn("flock", ["--exclusive", lockFile, "sleep", String(ms / 1000)], {
    stdio: "ignore",
    detached: true,
  });
  holders.push(holder);
  // Wait until the kernel lists the lock, so the script under test sees it held.
  const inode = readInode(lockFile);
  for (let i = 0; i < 100; i++) {
    if (readFileSync("/proc/locks", "utf8").includes(`:${inode} `)) return Date.now();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("flock did not take the lock");
}

function readInode(file: string): string {
  return String(statSync(file).ino);
}

function runAptGet(args: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number; out: string; endedAt: number }>((resolve) => {
    const child = spawn("bash", ["-c", `set -euo pipefail; source ${JSON.stringify(LIB)}; apt_get ${args}`], {
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, HELPERIQ_APT_LOCKS: lockFile, ...env },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code: code ?? -1, out, endedAt: Date.now() }));
  });
}

const recorded = () => readFileSync(calls, "utf8").trim().split("\n");

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")("provisioning waits for the apt/dpkg lock", () => {
  it("runs apt-get at once, non-interactive and with DPkg::Lock::Timeout, when no lock is held", async () => {
    const run = await runAptGet("RUNLEVEL=1 install -y -q dovecot-core");
    expect(run.code).toBe(0);
    expect(run.out).not.toContain("waiting");
    const [call] = recorded();
    expect(call).toContain(
      "DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 -o DPkg::Lock::Timeout=600 install -y -q dovecot-core",
    );
  });

  it("says it is waiting for another apt/dpkg process and runs apt-get only once that process let go", async () => {
    const heldAt = await holdLock(2500);
    const run = await runAptGet("update -q");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/waiting for another apt\/dpkg process, \d+ \(flock\)/);
    const [call] = recorded();
    const ranAt = Number(call!.split(" ")[0]);
    expect(ranAt - heldAt).toBeGreaterThanOrEqual(2000);
  });

  it("gives up with a message naming the holder when the lock is still held after the wait", async () => {
    await holdLock(10_000);
    const started = Date.now();
    const run = await runAptGet("update -q", { HELPERIQ_APT_LOCK_WAIT: "2" });
    expect(run.code).not.toBe(0);
    expect(run.out).toMatch(/gave up: another apt\/dpkg process, \d+ \(flock\), still holds its lock after 2s/);
    expect(run.endedAt - started).toBeLessThan(6000);
    expect(() => readFileSync(calls)).toThrow(); // apt-get never ran
  });

  it("passes a real apt-get failure through when no lock is the cause", async () => {
    const run = await runAptGet("install -y nonexistent-package", { FAKE_APT_EXIT: "100" });
    expect(run.code).toBe(100);
    expect(run.out).not.toContain("waiting");
    expect(recorded()).toHaveLength(1);
  });
});
