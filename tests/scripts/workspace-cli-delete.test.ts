import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { noSockets } from "@helperiq/adapters/realtime/no-sockets";
import { workspaceBlobPrefix } from "@helperiq/core/platform/purge";
import { runWorkspaceJobs } from "@helperiq/core/platform/workspace-jobs";
import { TENANT_TABLES } from "@helperiq/core/tenant-tables";
import { runWorkspaceCli } from "@helperiq/server/cli/workspace";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";
import { countTenantRows, fingerprintTenant, seedWorkspace } from "../support/workspace-seed.ts";

/**
 * `npm run workspace -- delete <slug> --yes --wait`: the purge followed to its end, table by table, with a
 * closing summary (JSON lines under --json); waiting by default on a terminal; against DATABASE_URL the job is
 * left to the servers' schedule and its progress read from workspace_jobs.
 */

let t: TestApp;
let dataDir: string;
let bystander: TestTenant;
let before: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "hq-cli-delete-"));
  // The workspace's media lives where the CLI reads it: DATA_DIR/media, as `npm start` stores it.
  t = await bootTestApp({}, undefined, undefined, createFilesystemBlobStore(path.join(dataDir, "media")));
  bystander = await createTenant(t);
  await seedWorkspace(t, bystander);
  before = await fingerprintTenant(t, bystander.id);
});
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(argv: string[], options: { interactive?: boolean; env?: Record<string, string> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runWorkspaceCli(
    argv,
    { DATA_DIR: dataDir, ADMIN_EMAIL: "owner@example.com", ...options.env },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { database: t.database, interactive: options.interactive ?? false },
  );
  return { code, out, err };
}

async function seeded() {
  const tenant = await createTenant(t);
  const { contact, agent } = await seedWorkspace(t, tenant);
  return { tenant, contact, agent };
}

const tableNo = (name: string) => TENANT_TABLES.findIndex((x) => x.name === name) + 1;
const N = TENANT_TABLES.length;

async function gone(tenant: TestTenant) {
  const counts = await countTenantRows(t, tenant.id);
  for (const [table, n] of Object.entries(counts)) expect(n, table).toBe(0);
  expect(await t.blobs.list(workspaceBlobPrefix(tenant.id), { limit: 10 })).toEqual([]);
}

describe("workspace delete --wait", () => {
  it("runs the purge here, printing each table as it is emptied and a summary; nothing of the workspace is left", async () => {
    const { tenant, contact, agent } = await seeded();
    // Enough rows in one table for eleven batches and a "so far" line.
    await t.database.db.execute(
      sql`INSERT INTO contact_notes (tenant_id, contact_id, user_id, note)
          SELECT ${tenant.id}, ${contact.id}, ${agent.id}, 'note ' || i FROM generate_series(1, 10500) AS i`,
    );
    const res = await cli(["delete", tenant.slug, "--yes", "--wait"]);
    expect(res.code, res.err.join("\n")).toBe(0);
    const slug = tenant.slug;
    expect(res.err[0]).toBe(`purge ${slug}: 0 WebSockets closed`);
    expect(res.err).toContain(
      `purge ${slug}: contact_notes 10,000 rows deleted so far (${tableNo("contact_notes")}/${N} tables)`,
    );
    expect(res.err).toContain(
      `purge ${slug}: contact_notes 10,501 rows deleted (${tableNo("contact_notes")}/${N} tables)`,
    );
    expect(res.err).toContain(`purge ${slug}: conversations 3 rows deleted (${tableNo("conversations")}/${N} tables)`);
    expect(res.err).toContain(`purge ${slug}: 3 files deleted`);
    expect(res.err.at(-1)).toBe(`purge ${slug}: workspace row deleted`);
    // Tables in the order they are emptied, each once.
    const tables = res.err.filter((l) => / rows deleted \(/.test(l)).map((l) => Number(/\((\d+)\//.exec(l)![1]));
    expect(tables).toEqual([...new Set(tables)].sort((x, y) => x - y));
    expect(res.out.at(-1)).toMatch(
      new RegExp(
        `^Purged ${slug}: [\\d,]+ rows from \\d+ of ${N} tables, 3 files, 0 WebSockets, 0 rate counters; the slug is free\\.$`,
      ),
    );
    await gone(tenant);
    expect(await fingerprintTenant(t, bystander.id)).toEqual(before);
  });

  it("--json prints one JSON line per unit of progress, then the result", async () => {
    const { tenant } = await seeded();
    const res = await cli(["delete", tenant.slug, "--yes", "--wait", "--json"]);
    expect(res.code, res.err.join("\n")).toBe(0);
    const lines = res.out.map((l) => JSON.parse(l));
    const progress = lines.slice(0, -1);
    expect(progress.length).toBeGreaterThan(3);
    for (const p of progress) expect(p).toMatchObject({ type: "progress", kind: "purge", workspace: tenant.slug });
    expect(progress.find((p) => p.table === "conversations")).toMatchObject({ table_rows: 3, tables_total: N });
    expect(lines.at(-1)).toMatchObject({ job: { kind: "purge", status: "done", deleted: { tenants: 1, blobs: 3 } } });
    await gone(tenant);
  });

  it("waits by default on a terminal, not in scripts nor with --no-wait", async () => {
    const queued = await seeded();
    const scripted = await cli(["delete", queued.tenant.slug, "--yes", "--json"]);
    expect(JSON.parse(scripted.out.join("\n"))).toMatchObject({ job: { status: "queued" } });
    const declined = await seeded();
    const noWait = await cli(["delete", declined.tenant.slug, "--yes", "--no-wait", "--json"], { interactive: true });
    expect(JSON.parse(noWait.out.join("\n"))).toMatchObject({ job: { status: "queued" } });
    expect((await countTenantRows(t, declined.tenant.id)).tenants).toBe(1);
    expect((await cli(["delete", declined.tenant.slug, "--yes", "--wait", "--no-wait"])).code).toBe(1);

    const watched = await seeded();
    const res = await cli(["delete", watched.tenant.slug, "--yes"], { interactive: true });
    expect(res.code, res.err.join("\n")).toBe(0);
    expect(res.out.at(-1)).toMatch(/^Purged /);
    await gone(watched.tenant);
    // The queued ones: the earlier purge jobs still wait for the schedule; asking again with --wait runs them.
    for (const { tenant } of [queued, declined]) {
      expect((await cli(["delete", tenant.slug, "--yes", "--wait"])).code).toBe(0);
      await gone(tenant);
    }
  });

  it("against DATABASE_URL follows the job the servers' schedule runs, reading its progress", async () => {
    const { tenant } = await seeded();
    const following = cli(["delete", tenant.slug, "--yes", "--wait"], {
      env: { DATABASE_URL: "postgres://unused@127.0.0.1:1/unused" },
    });
    // A server's workspace-jobs sweep, a moment later.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      await runWorkspaceJobs({
        db: t.database.db,
        clock: t.clock,
        blobs: t.blobs,
        rateCounter: createMemoryRateCounter(),
        sockets: noSockets,
      }),
    ).toMatchObject({ done: 1 });
    const res = await following;
    expect(res.code, res.err.join("\n")).toBe(0);
    expect(res.out[0]).toMatch(/waiting for a server's workspace-jobs schedule/);
    expect(res.err.at(-1)).toBe(`purge ${tenant.slug}: workspace row deleted`);
    expect(res.out.at(-1)).toMatch(/^Purged /);
    await gone(tenant);
  });
});
