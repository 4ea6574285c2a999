import { platformAudit } from "@helperiq/core/schema";
import { desc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";

/** The operator's custom-domain routes: the workspace admin's operations by slug, behind the platform gate. */
const KEY = "platform-key-0123456789abcdef0123456789abcdef";
let t: TestApp;
let op: Client;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await bootTestApp({ platform: { apiKey: KEY } });
  op = new Client(t, BASE_DOMAIN, { bearer: KEY });
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(() => t.close());

const lastAudit = async () =>
  (await t.database.db.select().from(platformAudit).orderBy(desc(platformAudit.id)).limit(1))[0]!;

describe("platform: a workspace's custom domains", () => {
  it("adds, lists, verifies (DNS) and removes a domain for the workspace the slug names, audited", async () => {
    const added = await op.post(`/platform/v1/workspaces/${a.slug}/domains`, { hostname: "Help.Shop-A.example.com" });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ hostname: "help.shop-a.example.com", status: "pending" });
    expect(await lastAudit()).toMatchObject({
      action: "POST /platform/v1/workspaces/:slug/domains",
      workspaceSlug: a.slug,
      status: 201,
      detail: { hostname: "Help.Shop-A.example.com" },
    });
    // The workspace admin sees what the operator added.
    expect((await a.admin.get("/api/v1/domains")).body.data).toEqual([added.body.data]);
    expect((await b.admin.get("/api/v1/domains")).body.data).toEqual([]);

    const failed = await op.post(`/platform/v1/workspaces/${a.slug}/domains/help.shop-a.example.com/verify`);
    expect(failed.body.data.last_error).toContain(
      "no TXT record found at _helperiq-verification.help.shop-a.example.com",
    );
    t.dns.records.set(added.body.data.verification.dns.name, [added.body.data.verification.dns.value]);
    const verified = await op.post(`/platform/v1/workspaces/${a.slug}/domains/help.shop-a.example.com/verify`);
    expect(verified.body.data.status).toBe("verified");
    expect((await new Client(t, "help.shop-a.example.com").get("/api/v1/config")).status).toBe(200);

    const listed = await op.get(`/platform/v1/workspaces/${a.slug}/domains`);
    expect(listed.body.data.map((d: { hostname: string }) => d.hostname)).toEqual(["help.shop-a.example.com"]);
    // Another workspace's slug does not reach it (neither removal nor a check: A's row is left as it was), and a
    // second claim is 409.
    const before = (await a.admin.get("/api/v1/domains/help.shop-a.example.com")).body.data;
    expect((await op.delete(`/platform/v1/workspaces/${b.slug}/domains/help.shop-a.example.com`)).status).toBe(404);
    const foreignVerify = await op.post(`/platform/v1/workspaces/${b.slug}/domains/help.shop-a.example.com/verify`);
    expect(foreignVerify.status).toBe(404);
    expect(foreignVerify.body.data.type).toBe("NotFoundError");
    expect((await a.admin.get("/api/v1/domains/help.shop-a.example.com")).body.data).toEqual(before);
    expect((await b.admin.get("/api/v1/domains")).body.data).toEqual([]);
    const taken = await op.post(`/platform/v1/workspaces/${b.slug}/domains`, { hostname: "help.shop-a.example.com" });
    expect(taken.status).toBe(409);
    expect(taken.body.data.message).toContain("already claimed by another workspace");

    const removed = await op.delete(`/platform/v1/workspaces/${a.slug}/domains/help.shop-a.example.com`);
    expect(removed).toMatchObject({ status: 200, body: { data: true } });
    expect((await new Client(t, "help.shop-a.example.com").get("/api/v1/config")).status).toBe(404);
  });

  it("refuses bad names in words, an unknown workspace with 404, and callers without the key with 401", async () => {
    const bad = await op.post(`/platform/v1/workspaces/${a.slug}/domains`, { hostname: `x.${BASE_DOMAIN}` });
    expect(bad.status).toBe(400);
    expect(bad.body.data.message).toContain(`is under ${BASE_DOMAIN}`);
    expect((await op.get("/platform/v1/workspaces/no-such-shop/domains")).status).toBe(404);
    const anonymous = new Client(t, BASE_DOMAIN);
    expect((await anonymous.get(`/platform/v1/workspaces/${a.slug}/domains`)).status).toBe(401);
    // Not on a workspace's host.
    expect((await op.onHost(a.host).get(`/platform/v1/workspaces/${a.slug}/domains`)).status).toBe(404);
  });
});
