import { recordUsage } from "@helperiq/core/quota/ai-usage";
import { tenants } from "@helperiq/core/schema";
import type { TenantLimits } from "@helperiq/core/tenant/tenant.sql";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createConversation, createTenant, type TestTenant } from "../support/factories.ts";

/** Usage, limits and API rate limits stay within their workspace (the embedded runtime's counters). */
const PLATFORM_KEY = "platform-key-usage-isolation-0123456789abcdef";
let t: TestApp;
let a: TestTenant;
let b: TestTenant;

const setLimits = (w: TestTenant, limits: TenantLimits) =>
  t.database.db.update(tenants).set({ limits }).where(eq(tenants.id, w.id));

beforeAll(async () => {
  t = await bootTestApp({ platform: { apiKey: PLATFORM_KEY } });
  a = await createTenant(t);
  b = await createTenant(t);
  await setLimits(a, { agents: 7, storage_bytes: 7777, api_requests_per_minute: 2 });
  await createConversation(t, a);
  await recordUsage(t.database.db, a.id, t.clock.now(), "ai_calls", 77);
});
afterAll(() => t?.close());

describe("usage across workspaces", () => {
  it("B's admin sees B's figures and limits only, and cannot read A's report with its key", async () => {
    const mine = (await b.admin.get("/api/v1/usage")).body.data;
    // `limits: {}` inside toMatchObject would match any limits (A's too): compared whole.
    expect(mine).toMatchObject({ conversations: 0, ai_calls: 0, storage_bytes: 0 });
    expect(mine.limits).toEqual({});
    // B's key on A's host is no identity there.
    const cross = await b.admin.onHost(a.host).get("/api/v1/usage");
    expect(cross.status).toBe(401);
    expect(JSON.stringify(cross.body)).not.toMatch(/7777|77/);
  });

  it("the operator's usage route is not reachable from a workspace's host, even with the platform key", async () => {
    const res = await new Client(t, b.host, { bearer: PLATFORM_KEY }).get(`/platform/v1/workspaces/${a.slug}/usage`);
    expect(res.status).toBe(404);
    const op = await new Client(t, BASE_DOMAIN, { bearer: PLATFORM_KEY }).get(
      `/platform/v1/workspaces/${a.slug}/usage`,
    );
    expect(op.body.data).toMatchObject({ conversations: 1, ai_calls: 77, limits: { storage_bytes: 7777 } });
  });

  it("A at its API rate limit leaves B served", async () => {
    const fromA = [];
    for (let i = 0; i < 4; i++) fromA.push((await a.admin.get("/api/v1/agents/me")).status);
    expect(fromA).toEqual([200, 200, 429, 429]);
    for (let i = 0; i < 5; i++) expect((await b.admin.get("/api/v1/agents/me")).status).toBe(200);
  });
});
