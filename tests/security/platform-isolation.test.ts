import { createApp, FAMILIES } from "@helperiq/api";
import { platformAudit } from "@helperiq/core/schema";
import { desc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createTenant, TEST_PASSWORD, type TestTenant } from "../support/factories.ts";

/**
 * The operator's platform key and a workspace's credentials are separate worlds: the key is no identity on any
 * workspace route, no workspace credential (API key, session) opens the platform API, and no workspace host
 * serves the platform API at all, even in the single-workspace mode where the platform shares ROOT_URL's host.
 */
const KEY = "isolation-platform-key-0123456789abcdef0123";
let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let op: Client;

beforeAll(async () => {
  t = await bootTestApp({ platform: { apiKey: KEY } });
  a = await createTenant(t);
  b = await createTenant(t);
  op = new Client(t, BASE_DOMAIN, { bearer: KEY });
});
afterAll(() => t.close());

describe("the platform key and workspace credentials", () => {
  it("the platform key is no credential on any workspace route", async () => {
    for (const path of [
      "/api/v1/agents/me",
      "/api/v1/agents",
      "/api/v1/conversations/all",
      "/api/v1/settings/general",
    ]) {
      const res = await a.anonymous.with({ bearer: KEY }).get(path);
      expect(res.status, path).toBe(401);
    }
  });

  it("no workspace API key or session opens the platform API on the platform host (401, audited as an invalid key)", async () => {
    const session = await a.anonymous.login(a.adminEmail, TEST_PASSWORD);
    for (const client of [
      new Client(t, BASE_DOMAIN, a.admin.creds),
      new Client(t, BASE_DOMAIN, session.creds),
      new Client(t, BASE_DOMAIN, { bearer: `lk_${KEY}` }),
    ]) {
      const res = await client.get("/platform/v1/workspaces");
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain(a.slug);
    }
    const [last] = await t.database.db.select().from(platformAudit).orderBy(desc(platformAudit.id)).limit(1);
    expect(last).toMatchObject({ actor: "api:invalid-key", status: 401 });
  });

  it("a workspace's host never serves the platform API: 404 with the key, its own credentials or a forged X-Forwarded-Host", async () => {
    for (const creds of [{ bearer: KEY }, a.admin.creds]) {
      for (const [method, path] of [
        ["GET", "/platform/v1/workspaces"],
        ["POST", `/platform/v1/workspaces/${a.slug}/resume`],
        ["DELETE", `/platform/v1/workspaces/${b.slug}`],
      ] as const) {
        const res = await new Client(t, a.host, creds).request(method, path, undefined, {
          "x-forwarded-host": BASE_DOMAIN,
        });
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    }
    // Nothing happened to B.
    expect((await b.admin.get("/api/v1/agents/me")).status).toBe(200);
  });

  it("a suspended workspace's own admin cannot lift the suspension; the other workspace runs on", async () => {
    expect((await op.post(`/platform/v1/workspaces/${a.slug}/suspend`, { reason: "Abuse report" })).status).toBe(200);
    expect((await a.admin.post(`/platform/v1/workspaces/${a.slug}/resume`)).status).toBe(404);
    expect((await a.admin.onHost(BASE_DOMAIN).post(`/platform/v1/workspaces/${a.slug}/resume`)).status).toBe(401);
    expect((await a.admin.get("/api/v1/agents/me")).status).toBe(403);
    expect((await b.admin.get("/api/v1/agents/me")).status).toBe(200);
    expect((await op.get(`/platform/v1/workspaces/${a.slug}`)).body.data.status).toBe("suspended");
    await op.post(`/platform/v1/workspaces/${a.slug}/resume`);
  });

  it("single-workspace mode: ROOT_URL's host serves both, and the workspace's admin key still cannot open the platform API", async () => {
    const embedded = createApp(
      {
        ...t.deps,
        config: {
          ...t.deps.config,
          rootUrl: "https://desk.example.org",
          tenantRouting: { defaultSlug: a.slug },
          platform: { apiKey: KEY },
        },
      },
      Object.values(FAMILIES),
    );
    const call = (bearer: string, path: string) =>
      embedded.request(`https://desk.example.org${path}`, {
        headers: { host: "desk.example.org", authorization: `Bearer ${bearer}` },
      });
    expect((await call(KEY, `/platform/v1/workspaces/${a.slug}`)).status).toBe(200);
    expect((await call(a.admin.creds.bearer!, `/platform/v1/workspaces/${a.slug}`)).status).toBe(401);
    expect((await call(KEY, "/api/v1/agents/me")).status).toBe(401);
    expect((await call(a.admin.creds.bearer!, "/api/v1/agents/me")).status).toBe(200);
    // Any other host reaches the default workspace, never the platform API.
    const other = await embedded.request("https://elsewhere.example/platform/v1/workspaces", {
      headers: { host: "elsewhere.example", authorization: `Bearer ${KEY}` },
    });
    expect(other.status).toBe(404);
  });
});
