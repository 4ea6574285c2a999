import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { workspaceJobs, tenants } from "@helperiq/core/schema";
import { deriveTenantTables, TENANT_TABLES } from "@helperiq/core/tenant-tables";
import { PURGE_BATCH, workspaceBlobPrefix } from "@helperiq/core/platform/purge";
import { runWorkspaceJobs, STALE_AFTER_MS, type WorkspaceJobDeps } from "@helperiq/core/platform/workspace-jobs";
import { rateKey } from "@helperiq/core/tenant/rate-key";
import { getTableConfig, integer, pgTable, serial, type PgColumn } from "drizzle-orm/pg-core";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";
import { countTenantRows, fingerprintTenant, seedWorkspace } from "../support/workspace-seed.ts";

/** The resumable purge: every tenant-owned table (derived from the schema) and blob emptied, the other workspace untouched. */

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let deps: WorkspaceJobDeps;
let closed: number[];

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  await seedWorkspace(t, a);
  await seedWorkspace(t, b);
  closed = [];
  deps = {
    db: t.database.db,
    clock: t.clock,
    blobs: t.blobs,
    rateCounter: createMemoryRateCounter(),
    sockets: {
      closeWorkspace: async (tenantId) => {
        closed.push(tenantId);
        return 1;
      },
    },
  };
});
afterAll(() => t?.close());

async function blobKeys(tenantId: number) {
  return t.blobs.list(workspaceBlobPrefix(tenantId), { limit: 10_000 });
}

async function markDeleting(tenant: TestTenant) {
  await t.database.db
    .update(tenants)
    .set({ status: "deleting", deletedAt: t.clock.now() })
    .where(eq(tenants.id, tenant.id));
  const [job] = await t.database.db
    .insert(workspaceJobs)
    .values({ tenantId: tenant.id, tenantSlug: tenant.slug, kind: "purge", requestedBy: "platform" })
    .returning();
  return job!;
}

describe("tenant-owned tables", () => {
  it("are every schema table with a tenant_id referencing tenants, children before the tables they reference", () => {
    const names = TENANT_TABLES.map((x) => x.name);
    for (const expected of [
      "conversations",
      "messages",
      "media",
      "rag_documents",
      "users",
      "tenant_domains",
      "sessions",
    ])
      expect(names).toContain(expected);
    expect(names).not.toContain("tenants");
    expect(names).not.toContain("workspace_jobs");
    expect(names).not.toContain("platform_audit");
    for (const [i, entry] of TENANT_TABLES.entries())
      for (const ref of entry.references) expect(names.indexOf(ref), `${entry.name} → ${ref}`).toBeGreaterThan(i);
  });

  it("include a table added tomorrow, and refuse an order the foreign keys cannot allow", async () => {
    const { tenants: tenantsTable } = await import("@helperiq/core/schema");
    const extra = pgTable("tomorrow", {
      id: serial("id").primaryKey(),
      tenantId: integer("tenant_id").references(() => tenantsTable.id),
    });
    expect(deriveTenantTables([tenantsTable, extra]).map((x) => getTableConfig(x.table).name)).toEqual(["tomorrow"]);
    const ids: { x?: PgColumn; y?: PgColumn } = {};
    const x = pgTable("x", {
      id: serial("id").primaryKey(),
      tenantId: integer("tenant_id").references(() => tenantsTable.id),
      y: integer("y").references(() => ids.y!),
    });
    const y = pgTable("y", {
      id: serial("id").primaryKey(),
      tenantId: integer("tenant_id").references(() => tenantsTable.id),
      x: integer("x").references(() => ids.x!),
    });
    Object.assign(ids, { x: x.id, y: y.id });
    expect(() => deriveTenantTables([tenantsTable, x, y])).toThrow(/cycle/);
  });
});

describe("workspace purge", () => {
  it("refuses a workspace that is not being deleted", async () => {
    const [job] = await t.database.db
      .insert(workspaceJobs)
      .values({ tenantId: b.id, tenantSlug: b.slug, kind: "purge", requestedBy: "platform" })
      .returning();
    expect(await runWorkspaceJobs(deps)).toEqual({ done: 0, queued: 1, failed: 0, archives_removed: 0 });
    const [row] = await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, job!.id));
    expect(row!.error).toMatch(/is active, not deleting/);
    await t.database.db.delete(workspaceJobs).where(eq(workspaceJobs.id, job!.id));
    expect((await countTenantRows(t, b.id)).tenants).toBe(1);
  });

  it("resumes a purge that died half way, empties every tenant table and blob of A and leaves B byte for byte", async () => {
    const before = await countTenantRows(t, a.id);
    for (const table of [
      "users",
      "conversations",
      "messages",
      "media",
      "rag_documents",
      "sessions",
      "api_keys",
      "conversation_tags",
      "team_members",
      "notifications",
      "tenant_domains",
    ])
      expect(before[table], table).toBeGreaterThan(0);
    expect((await blobKeys(a.id)).length).toBe(3);
    const bBefore = await fingerprintTenant(t, b.id);
    const bBlobs = await blobKeys(b.id);
    const bBytes = await Promise.all(
      bBlobs.map(async (k) => Buffer.from((await t.blobs.get(k))!.body).toString("hex")),
    );
    const t0 = t.clock.now();
    await deps.rateCounter.hit(rateKey("rl", "auth", a.id, "203.0.113.9"), 60, t0);
    await deps.rateCounter.hit(rateKey("rl", "auth", b.id, "203.0.113.9"), 60, t0);

    const job = await markDeleting(a);
    // The run dies after its 6th unit of work (the process is killed, the database fails…).
    let units = 0;
    const dying = {
      onProgress: () => {
        if (++units === 6) throw new Error("injected failure");
      },
    };
    expect(await runWorkspaceJobs(deps, dying)).toEqual({ done: 0, queued: 1, failed: 0, archives_removed: 0 });
    let [row] = await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, job.id));
    expect(row!.status).toBe("queued");
    expect(row!.error).toBe("injected failure");
    const stoppedAt = row!.state.purge as { step: string; table?: string };
    expect(stoppedAt.step).toBe("tables");
    const mid = await countTenantRows(t, a.id);
    expect(mid.tenants).toBe(1);
    expect(Object.values(mid).some((n) => n > 0)).toBe(true);

    // A rerun stalls as a "running" job left by a dead process; the next sweep takes it over once stale.
    await t.database.db
      .update(workspaceJobs)
      .set({ status: "running", updatedAt: t.clock.now() })
      .where(eq(workspaceJobs.id, job.id));
    expect(await runWorkspaceJobs(deps)).toEqual({ done: 0, queued: 0, failed: 0, archives_removed: 0 });
    t.clock.advance(STALE_AFTER_MS + 1000);
    const seen: string[] = [];
    expect(await runWorkspaceJobs(deps, { onProgress: (p) => void seen.push(String(p.progress.step)) })).toEqual({
      done: 1,
      queued: 0,
      failed: 0,
      archives_removed: 0,
    });
    // It resumed where it stopped: the steps before were not run again.
    expect(seen[0]).toBe("tables");
    expect(seen).toContain("blobs");
    [row] = await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, job.id));
    expect(row!.status).toBe("done");
    expect(row!.progress).toMatchObject({ step: "done", tables_done: TENANT_TABLES.length });
    expect((row!.result as { deleted: Record<string, number> }).deleted).toMatchObject({
      blobs: 3,
      tenants: 1,
      rate_counters: 1,
    });

    const after = await countTenantRows(t, a.id);
    expect(Object.entries(after).filter(([, n]) => n !== 0)).toEqual([]);
    expect(await blobKeys(a.id)).toEqual([]);
    expect(closed).toContain(a.id);
    expect(closed).not.toContain(b.id);

    expect(await fingerprintTenant(t, b.id)).toEqual(bBefore);
    expect(await blobKeys(b.id)).toEqual(bBlobs);
    expect(
      await Promise.all(bBlobs.map(async (k) => Buffer.from((await t.blobs.get(k))!.body).toString("hex"))),
    ).toEqual(bBytes);
    // B's counter is still counting in its window (A's was forgotten: rate_counters 1 above).
    expect((await deps.rateCounter.hit(rateKey("rl", "auth", b.id, "203.0.113.9"), 60, t0)).count).toBe(2);
    expect((await deps.rateCounter.hit(rateKey("rl", "auth", a.id, "203.0.113.9"), 60, t0)).count).toBe(1);
  });

  it("saves its state after every unit of work, each a bounded batch", async () => {
    expect(PURGE_BATCH).toBeLessThanOrEqual(1000);
    const c = await createTenant(t);
    await seedWorkspace(t, c, { conversations: 2, messages: 3 });
    const job = await markDeleting(c);
    const { runPurge, initialPurgeState } = await import("@helperiq/core/platform/purge");
    const states: string[] = [];
    const end = await runPurge(
      deps,
      c.id,
      initialPurgeState(),
      async (s) => void states.push(`${s.step}:${s.table ?? ""}`),
    );
    expect(end.step).toBe("done");
    // One saved state per unit: the two first steps, one per table, the blob page, the tenants row.
    expect(states.length).toBe(2 + TENANT_TABLES.length + 1 + 1);
    expect(Object.values(await countTenantRows(t, c.id)).every((n) => n === 0)).toBe(true);
    await t.database.db.delete(workspaceJobs).where(eq(workspaceJobs.id, job.id));
  });
});
