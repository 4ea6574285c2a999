import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { runWorkspaceJobs } from "@helperiq/core/platform/workspace-jobs";
import { conversations, messages, tenants, tenantTotals, workspaceJobs } from "@helperiq/core/schema";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createConversation, createMessage, createTenant, type TestTenant } from "../support/factories.ts";
import { seedWorkspace } from "../support/workspace-seed.ts";

/**
 * The platform list's conversation and message figures come from tenant_totals (kept by triggers, migration
 * 0017), not from counting rows: they must stay equal to the tables through creates, deletes and a purge.
 */

const PLATFORM_KEY = "platform-key-totals-0123456789abcdef0123456789";
let t: TestApp;
let op: Client;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await bootTestApp({ platform: { apiKey: PLATFORM_KEY } });
  op = new Client(t, BASE_DOMAIN, { bearer: PLATFORM_KEY });
  a = await createTenant(t);
  b = await createTenant(t);
  await seedWorkspace(t, a, { conversations: 3, messages: 4 });
  await seedWorkspace(t, b, { conversations: 2, messages: 3 });
});
afterAll(() => t?.close());

/** The figures counted from the tables themselves. */
async function counted(tenant: TestTenant) {
  const db = t.database.db;
  const [[c], [m]] = await Promise.all([
    db.select({ n: count() }).from(conversations).where(eq(conversations.tenantId, tenant.id)),
    db.select({ n: count() }).from(messages).where(eq(messages.tenantId, tenant.id)),
  ]);
  return { conversations: Number(c!.n), messages: Number(m!.n) };
}

async function listed(tenant: TestTenant) {
  const res = await op.get(`/platform/v1/workspaces?q=${tenant.slug}`);
  expect(res.status).toBe(200);
  const found = res.body.data.results.find((w: { slug: string }) => w.slug === tenant.slug);
  return found && { conversations: found.usage.conversations, messages: found.usage.messages };
}

async function expectInStep(tenant: TestTenant, expected: { conversations: number; messages: number }) {
  expect(await counted(tenant)).toEqual(expected);
  expect(await listed(tenant)).toEqual(expected);
  const shown = await op.get(`/platform/v1/workspaces/${tenant.slug}`);
  expect(shown.body.data.usage).toMatchObject(expected);
}

describe("workspace list figures (tenant_totals)", () => {
  it("follow creates and deletes of conversations and messages, cascades included", async () => {
    const start = await counted(a);
    expect(start).toEqual({ conversations: 3, messages: 12 });
    await expectInStep(a, start);
    await expectInStep(b, { conversations: 2, messages: 6 });

    const trashed = await createConversation(t, a, { status: "Trashed" });
    for (let i = 0; i < 3; i++) await createMessage(t, a, trashed.id, { text: `doomed ${i}` });
    await expectInStep(a, { conversations: 4, messages: 15 });

    // The API's hard delete: the conversation and, by cascade, its three messages.
    expect((await a.admin.delete(`/api/v1/conversations/${trashed.uuid}`)).status).toBe(200);
    await expectInStep(a, start);

    // A delete in a transaction that rolls back leaves the figures as they were.
    await t.database.db
      .transaction(async (tx) => {
        await tx.delete(messages).where(eq(messages.tenantId, a.id));
        throw new Error("rolled back");
      })
      .catch(() => undefined);
    await expectInStep(a, start);
    await expectInStep(b, { conversations: 2, messages: 6 });
  });

  it("lose the purged workspace's row and leave the other workspace's figures", async () => {
    await t.database.db
      .update(tenants)
      .set({ status: "deleting", deletedAt: t.clock.now() })
      .where(eq(tenants.id, a.id));
    await t.database.db
      .insert(workspaceJobs)
      .values({ tenantId: a.id, tenantSlug: a.slug, kind: "purge", requestedBy: "platform" });
    const deps = {
      db: t.database.db,
      clock: t.clock,
      blobs: t.blobs,
      rateCounter: createMemoryRateCounter(),
      sockets: { closeWorkspace: async () => 0 },
    };
    expect((await runWorkspaceJobs(deps)).done).toBe(1);
    expect(await listed(a)).toBeUndefined();
    expect(await t.database.db.select().from(tenantTotals).where(eq(tenantTotals.tenantId, a.id))).toEqual([]);
    await expectInStep(b, { conversations: 2, messages: 6 });
  });
});
