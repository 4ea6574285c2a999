import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { openDatabase } from "@helperiq/adapters/db/open";
import { platformAudit } from "@helperiq/core/schema";
import type { Database } from "@helperiq/core/port/index";
import { type DataDirLock, lockDataDir } from "@helperiq/server/data-dir-lock";
import { eq } from "drizzle-orm";
import { runWorkspaceCli } from "@helperiq/server/cli/workspace";
import { openPglite } from "@helperiq/adapters/db/pglite";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { serverDatabase, type SharedDb } from "../realtime/support.ts";

/**
 * `npm run workspace -- …` on the database `npm start` uses: a PGlite DATA_DIR (TEST_DB=pglite) or DATABASE_URL
 * (TEST_DB=pg). Commands run in process (runWorkspaceCli, as scripts/workspace.ts calls it); one runs as the
 * script itself, for the wiring and the exit code.
 */
let db: SharedDb;
let env: Record<string, string>;
const dataDir = mkdtempSync(path.join(tmpdir(), "hq-cli-"));
const slug = `cli${process.pid.toString(36)}`;

let shared: Database | undefined;
let sharedLock: DataDirLock | undefined;

/**
 * After the first command, the suite keeps one database open for the in-process commands, holding DATA_DIR's
 * lock as a running server would (one PGlite writer per directory).
 */
async function openShared() {
  sharedLock = env.DATABASE_URL ? undefined : lockDataDir(env.DATA_DIR!);
  shared = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR! });
}
async function closeShared() {
  await shared?.close();
  shared = undefined;
  sharedLock?.release();
  sharedLock = undefined;
}

beforeAll(async () => {
  db = await serverDatabase();
  const info = inject("testDb");
  if (info.kind === "pglite") {
    // The suites' migrated template, unpacked into the data directory (migrating a fresh one takes a minute).
    const seeded = await openPglite({ dataDir: db.dataDir!, loadDataDir: new Blob([readFileSync(info.templatePath)]) });
    await seeded.close();
  }
  env = {
    DATA_DIR: db.dataDir ?? dataDir,
    DEFAULT_TENANT: "",
    BASE_DOMAIN: "helperiq.test",
    ROOT_URL: "https://help.example.org",
    ...(db.url ? { DATABASE_URL: db.url } : {}),
  };
});
afterAll(async () => {
  await closeShared();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** In process on one open database (opening PGlite per command costs seconds); `fresh` opens it as the script does. */
async function cli(...argv: string[]) {
  if (!shared) throw new Error("the shared database is not open");
  return run(argv, shared);
}
async function fresh(...argv: string[]) {
  return run(argv, undefined);
}
async function run(argv: string[], database: Database | undefined) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runWorkspaceCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) }, { database });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
const json = async (...argv: string[]) => {
  const r = await cli(...argv, "--json");
  return { ...r, body: JSON.parse(r.out) };
};

describe("npm run workspace", () => {
  it("creates a workspace and prints its admin's set-password link; a taken or bad slug is refused (exit 1)", async () => {
    // The first command opens the database itself, as `npm run workspace` does (and migrates it).
    const created = await fresh(
      "create",
      slug,
      "--name",
      "CLI Shop",
      "--admin-email",
      "ops@cli.example",
      "--admin-first-name",
      "Otto",
      "--plan",
      "pro",
      "--limit",
      "agents=5",
    );
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain(`Created workspace ${slug} (CLI Shop).`);
    expect(created.out).toMatch(new RegExp(`https://${slug}\\.helperiq\\.test/reset-password\\?token=[a-z0-9]+`));
    expect(created.out).toContain("Mail is not configured (SMTP_URL)");
    await openShared();

    const dup = await cli("create", slug, "--name", "X", "--admin-email", "a@b.example", "--admin-first-name", "A");
    expect(dup.code).toBe(1);
    expect(dup.err).toBe(`slug: a workspace with slug "${slug}" already exists`);
    const reserved = await json(
      "create",
      "admin",
      "--name",
      "X",
      "--admin-email",
      "a@b.example",
      "--admin-first-name",
      "A",
    );
    expect(reserved.code).toBe(1);
    expect(reserved.body).toEqual({ error: { type: "InputError", message: 'slug: "admin" is reserved' } });
    const badLimit = await cli(
      "create",
      `${slug}x`,
      "--name",
      "X",
      "--admin-email",
      "a@b.example",
      "--admin-first-name",
      "A",
      "--limit",
      "agents=many",
    );
    expect(badLimit.code).toBe(1);
    expect(badLimit.err).toMatch(/^limits\.agents:/);
  });

  it("lists and shows workspaces with their usage, readable or as JSON", async () => {
    const list = await cli("list", "--search", slug);
    expect(list.code).toBe(0);
    const [header, row] = list.out.split("\n");
    expect(header).toMatch(/^SLUG\s+STATUS\s+PLAN\s+AGENTS\s+INBOXES\s+CONVERSATIONS\s+MESSAGES\s+STORAGE\s+NAME$/);
    expect(row!.split(/\s{2,}/)).toEqual([slug, "active", "pro", "1", "0", "0", "0", "0 B", "CLI Shop"]);
    const listed = await json("list", "--search", slug);
    expect(listed.body.results.map((w: { slug: string }) => w.slug)).toEqual([slug]);
    const shown = await cli("show", slug);
    expect(shown.out).toContain("limits:        agents=5");
    expect(shown.out).toContain("agents:        1");
    expect((await json("show", slug)).body).toMatchObject({ slug, plan: "pro", usage: { agents: 1 } });
    const missing = await cli("show", "no-such-workspace");
    expect(missing.code).toBe(1);
    expect(missing.err).toBe("Workspace not found");
  });

  it("suspends, resumes and deletes (only with --yes); every call is in the operator audit log", async () => {
    const suspended = await json("suspend", slug, "--reason", "Unpaid invoice");
    expect(suspended.code).toBe(0);
    expect(suspended.body).toMatchObject({ status: "suspended", suspended_reason: "Unpaid invoice" });
    expect((await cli("resume", slug)).out).toBe(`Resumed ${slug}: it is active again.`);
    const unconfirmed = await cli("delete", slug);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.err).toMatch(/^yes: deleting .* confirm with --yes$/);
    const deleted = await json("delete", slug, "--yes");
    expect(deleted.code).toBe(0);
    expect(deleted.body.workspace.status).toBe("deleting");
    expect(deleted.body.job).toMatchObject({ kind: "purge", status: "queued" });

    const rows = await shared!.db
      .select()
      .from(platformAudit)
      .where(eq(platformAudit.workspaceSlug, slug))
      .orderBy(platformAudit.id);
    expect(rows.every((r) => r.actor === `cli:${userInfo().username}`)).toBe(true);
    expect(rows.map((r) => `${r.action} ${r.status}`)).toEqual([
      "workspace create 201",
      "workspace create 409",
      "workspace show 200",
      "workspace show 200",
      "workspace suspend 200",
      "workspace resume 200",
      "workspace delete 400",
      "workspace delete 202",
    ]);
    expect(rows[4]!.detail).toEqual({});
  });

  it("says what it did not understand (exit 2)", async () => {
    expect((await cli("frobnicate")).code).toBe(2);
    const badOption = await cli("list", "--colour");
    expect(badOption.code).toBe(2);
    expect(badOption.err).toContain("usage: npm run workspace -- list");
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const name of ["create", "list", "show", "suspend", "resume", "delete"])
      expect(help.out).toContain(`  ${name}`);
  });

  it.skipIf(inject("testDb").kind === "pg")(
    "stops at once while the embedded server holds DATA_DIR (exit 3), naming the way out",
    async () => {
      // The suite holds the directory as a running server does.
      const busy = await fresh("list");
      expect(busy.code).toBe(3);
      expect(busy.err).toContain("is in use by another HelperIQ server");
      expect(busy.err).toContain("stop the server and run this again, or, while it runs, use the platform API");
    },
  );

  it("runs as `npm run workspace` (scripts/workspace.ts), with its exit code", async () => {
    await closeShared();
    const run = promisify(execFile);
    const failed = await run(
      process.execPath,
      ["--import", "tsx", "scripts/workspace.ts", "show", "no-such-workspace"],
      {
        env: { ...process.env, ...env },
      },
    ).catch((err: { code: number; stderr: string }) => err);
    expect("code" in failed && failed.code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain("Workspace not found");
  });
});
