import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Builds the agent web app (Vite) into packages/web/dist when it is missing or older than its sources.
 * `npm start` calls this before the server listens (packages/server/src/main.ts), so a fresh clone or a
 * `git pull` serves the current app with no other command; `npm run build:web` runs it by hand, and
 * scripts/test.sh before the suites. What "current" means: dist/.build-input holds a hash of every source
 * file of the app and of the lockfile (dependency versions change the output), written last by the build.
 */

export const WEB_ROOT = fileURLToPath(new URL(".", import.meta.url));
export const WEB_DIST = join(WEB_ROOT, "dist");
const STAMP = ".build-input";
const LOCK = join(WEB_ROOT, ".build-lock");
const LOCKFILE = join(WEB_ROOT, "..", "..", "package-lock.json");
/** Build outputs and tooling state under WEB_ROOT that are not inputs. */
const NOT_INPUT = new Set(["node_modules", "dist", ".build-lock"]);
const isScratch = (name: string) => name.startsWith("dist-build-");
/** Another process's build of this size takes well under this; a lock older than it was abandoned. */
const LOCK_STALE_MS = 10 * 60_000;

/** A hash over the app's sources (paths and contents) and the lockfile. */
export function webInputHash(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (dir === WEB_ROOT && (NOT_INPUT.has(entry.name) || isScratch(entry.name))) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile())
        hash
          .update(`${relative(WEB_ROOT, path)}\0`)
          .update(readFileSync(path))
          .update("\0");
    }
  };
  walk(WEB_ROOT);
  if (existsSync(LOCKFILE)) hash.update(readFileSync(LOCKFILE));
  return hash.digest("hex");
}

/** Whether dist holds a finished build of the current sources. */
export function webBuildIsCurrent(dist = WEB_DIST): boolean {
  const stamp = join(dist, STAMP);
  return existsSync(stamp) && readFileSync(stamp, "utf8") === webInputHash();
}

export type WebBuildResult = { built: boolean; ms: number };

/**
 * Builds unless dist is current. One build at a time across processes (a lock directory holding the
 * builder's pid); the output is written to a scratch directory and swapped in whole, so a reader never
 * sees half a build.
 */
export async function ensureWebBuild(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<WebBuildResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  if (!options.force && webBuildIsCurrent()) return { built: false, ms: 0 };
  await acquireLock(log);
  try {
    // Another process may have finished the same build while this one waited.
    if (!options.force && webBuildIsCurrent()) return { built: false, ms: Date.now() - started };
    log("Building the web app (its sources changed or it was never built)…");
    const input = webInputHash();
    const scratch = join(WEB_ROOT, `dist-build-${process.pid}`);
    rmSync(scratch, { recursive: true, force: true });
    try {
      await runVite(["build", "--outDir", scratch, "--emptyOutDir", "--logLevel", "warn"]);
      writeFileSync(join(scratch, STAMP), input);
      rmSync(WEB_DIST, { recursive: true, force: true });
      renameSync(scratch, WEB_DIST);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const ms = Date.now() - started;
    log(`Built the web app in ${(ms / 1000).toFixed(1)} s.`);
    return { built: true, ms };
  } finally {
    releaseLock();
  }
}

/** Runs Vite's own CLI in packages/web (its config is vite.config.ts there), output inherited. */
function runVite(args: string[]): Promise<void> {
  const vitePackage = createRequire(join(WEB_ROOT, "package.json")).resolve("vite/package.json");
  const bin = join(vitePackage, "..", "bin", "vite.js");
  return new Promise((resolve, reject) => {
    // A production build whoever calls it: vitest sets NODE_ENV=test, which would make Vite bundle Vue's development build.
    const env = { ...process.env, NODE_ENV: "production" };
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: WEB_ROOT,
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`vite build failed (${signal ?? `exit code ${code}`}): see its output above`)),
    );
  });
}

async function acquireLock(log: (line: string) => void) {
  let waited = false;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "pid"), String(process.pid));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (lockIsAbandoned()) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (!waited) log("Waiting for another process that is building the web app…");
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function lockIsAbandoned(): boolean {
  try {
    if (Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) return true;
    const pid = Number(readFileSync(join(LOCK, "pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return false; // being written this instant
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // ESRCH: the builder died. ENOENT: the lock went away between the checks (retry takes it).
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ESRCH";
  }
}

function releaseLock() {
  rmSync(LOCK, { recursive: true, force: true });
}

// `tsx packages/web/build.ts [--force]` (npm run build:web).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureWebBuild({ force: process.argv.includes("--force"), log: console.log }).then(
    (r) => r.built || console.log("The web app is already built from the current sources."),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
