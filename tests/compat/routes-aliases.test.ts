/**
 * LibreDesk's forms of routes HelperIQ had otherwise: `GET /ai/models` without `provider` (the default
 * provider's models) and `GET/PUT /settings/ecommerce` (the same settings as `/ecommerce/settings`, with
 * LibreDesk's `type`); and the families HelperIQ does not have yet: the SLA and business-hours lists the UI
 * loads answer empty, everything else of those families is a clean 404.
 */
import { CURATED_MODELS } from "@helperiq/core/ai/models";
import { LOCAL_CHAT_MODEL, LOCAL_EMBEDDING_MODEL } from "@helperiq/core/ai/local/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";
import { startMahoServer, type MahoServer } from "../support/maho-server.ts";
import { expectError } from "./routes-support.ts";

const CLIENT_ID = "helperiq";
const CLIENT_SECRET = "maho-secret";

let t: TestApp;
let maho: MahoServer;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;

beforeAll(async () => {
  [t, maho] = await Promise.all([bootTestApp(), startMahoServer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })]);
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read"] });
});
afterAll(async () => {
  await t?.close();
  await maho?.close();
});

describe("GET /api/v1/ai/models without provider", () => {
  it("answers the built-in provider's models while the workspace has no cloud provider", async () => {
    const res = await a.admin.get("/api/v1/ai/models");
    expect(res.status).toBe(200);
    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual([LOCAL_CHAT_MODEL, LOCAL_EMBEDDING_MODEL]);
  });

  it("answers the default provider's models once there is one, and `provider` still picks another", async () => {
    const tenant = await createTenant(t);
    expect((await tenant.admin.put("/api/v1/ai/provider", { type: "claude", api_key: "sk-ant-test" })).status).toBe(
      200,
    );
    expect((await tenant.admin.get("/api/v1/ai/models")).body.data).toEqual(CURATED_MODELS.claude);
    expect((await tenant.admin.get("/api/v1/ai/models?provider=openai")).body.data).toEqual(CURATED_MODELS.openai);
    // Another workspace's default is its own.
    expect((await b.admin.get("/api/v1/ai/models")).body.data.map((m: { id: string }) => m.id)).toEqual([
      LOCAL_CHAT_MODEL,
      LOCAL_EMBEDDING_MODEL,
    ]);
  });

  it("names an unknown provider and needs ai:manage", async () => {
    expectError(await a.admin.get("/api/v1/ai/models?provider=gemini"), 400, /^provider: /);
    expectError(await agent.client.get("/api/v1/ai/models"), 403);
  });
});

describe("GET/PUT /api/v1/settings/ecommerce", () => {
  const FORM = () => ({ type: "magento1", base_url: maho.url, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });

  it("shows an empty `type` before a connection is saved", async () => {
    const res = await a.admin.get("/api/v1/settings/ecommerce");
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ type: "", base_url: "", client_id: "", provider: "maho" });
  });

  it("saves LibreDesk's form and both paths read the same settings, the secret masked", async () => {
    const saved = await a.admin.put("/api/v1/settings/ecommerce", FORM());
    expect(saved.status).toBe(200);
    expect(saved.body.data).toMatchObject({
      type: "magento1",
      provider: "maho",
      base_url: maho.url,
      client_id: CLIENT_ID,
    });
    expect(JSON.stringify(saved.body)).not.toContain(CLIENT_SECRET);
    const alias = (await a.admin.get("/api/v1/settings/ecommerce")).body.data;
    expect(alias).toEqual((await a.admin.get("/api/v1/ecommerce/settings")).body.data);
    // Sending back the mask (LibreDesk's form does) keeps the stored secret: the connection still works.
    expect(
      (await a.admin.put("/api/v1/settings/ecommerce", { ...FORM(), client_secret: alias.client_secret })).status,
    ).toBe(200);
    expect((await a.admin.post("/api/v1/ecommerce/test", {})).body.data).toMatchObject({ ok: true });
  });

  it("names unknown keys, unsupported provider options and bad values, and writes nothing", async () => {
    const tenant = await createTenant(t);
    expectError(
      await tenant.admin.put("/api/v1/settings/ecommerce", { ...FORM(), store_code: "default" }),
      400,
      /store_code/,
    );
    expectError(
      await tenant.admin.put("/api/v1/settings/ecommerce", { ...FORM(), extra_config: { scope: "x" } }),
      400,
      /^extra_config: /,
    );
    expectError(await tenant.admin.put("/api/v1/settings/ecommerce", { ...FORM(), type: "shopify" }), 400, /^type: /);
    expectError(
      await tenant.admin.put("/api/v1/settings/ecommerce", { ...FORM(), base_url: "ftp://shop" }),
      400,
      /^base_url: /,
    );
    expect((await tenant.admin.get("/api/v1/settings/ecommerce")).body.data.type).toBe("");
    expect((await tenant.admin.put("/api/v1/settings/ecommerce", { ...FORM(), extra_config: {} })).status).toBe(200);
  });

  it("needs general_settings:manage and keeps each workspace's store to itself", async () => {
    expectError(await agent.client.get("/api/v1/settings/ecommerce"), 403);
    expectError(await agent.client.put("/api/v1/settings/ecommerce", FORM()), 403);
    expect((await b.admin.get("/api/v1/settings/ecommerce")).body.data).toMatchObject({ type: "", base_url: "" });
  });
});

describe("families HelperIQ does not have yet", () => {
  it("answers the SLA and business-hours lists the UI loads at startup with an empty list, for any agent", async () => {
    for (const path of ["/api/v1/sla", "/api/v1/business-hours"]) {
      const res = await agent.client.get(path);
      expect(res.status, path).toBe(200);
      expect(res.body.data, path).toEqual([]);
      expect((await a.anonymous.get(path)).status, path).toBe(401);
    }
  });

  it("answers every other call of those families with a clean 404", async () => {
    const calls: [string, string][] = [
      ["GET", "/api/v1/sla/1"],
      ["POST", "/api/v1/sla"],
      ["PUT", "/api/v1/sla/1"],
      ["DELETE", "/api/v1/sla/1"],
      ["GET", "/api/v1/business-hours/1"],
      ["POST", "/api/v1/business-hours"],
      ["GET", "/api/v1/templates?type=email_outgoing"],
      ["POST", "/api/v1/templates"],
      ["GET", "/api/v1/automations/rules?type=new_conversation"],
      ["PUT", "/api/v1/automations/rules/weights"],
      ["PUT", "/api/v1/automations/rules/1/toggle"],
      ["GET", "/api/v1/webhooks"],
      ["POST", "/api/v1/webhooks/1/test"],
      ["GET", "/api/v1/reports/overview/counts"],
      ["GET", "/api/v1/reports/overview/csat?days=30"],
      ["GET", "/api/v1/activity-logs?page=1"],
      ["POST", "/api/v1/csat/0b7c1a7e-0000-4000-8000-000000000000/response"],
    ];
    for (const [method, path] of calls) {
      const res = await a.admin.request(
        method,
        path,
        method === "GET" || method === "DELETE" ? undefined : { name: "x" },
      );
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.data.type, `${method} ${path}`).toBe("NotFoundError");
    }
  });
});
