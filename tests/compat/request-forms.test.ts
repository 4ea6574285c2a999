/**
 * Requests LibreDesk's agent UI makes with other names than HelperIQ's contract, where the form asked in is
 * the form answered: `POST /ai/completion` with `content` (answered with the rewritten text itself) beside
 * HelperIQ's `text` (answered `{completion, provider, model}`); AI providers named `provider` beside `type`;
 * the ecommerce order probe with `order_number` (answered with the order in LibreDesk's field names) beside
 * `number` (the probe's outcome). And the one call kept in the contract's form: `GET /agents` pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestAgent, type TestTenant } from "../support/factories.ts";
import { mahoOrder, startMahoServer, type MahoServer } from "../support/maho-server.ts";
import { expectError } from "./routes-support.ts";

let t: TestApp;
let maho: MahoServer;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  maho = await startMahoServer({ clientId: "helperiq", clientSecret: "maho-secret" });
  maho.orders.push(
    mahoOrder({ id: 1, incrementId: "100000001", customerEmail: "jane@example.com", createdAt: "2025-02-01 10:00:00" }),
  );
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read"] });
});
afterAll(async () => {
  await maho?.close();
  await t?.close();
});

describe("POST /api/v1/ai/completion", () => {
  it("LibreDesk's {prompt_key, content} is answered with the rewritten text itself", async () => {
    const res = await agent.client.post("/api/v1/ai/completion", {
      prompt_key: "fix_grammar",
      content: "i has a question",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(typeof res.body.data).toBe("string");
    expect(res.body.data).toMatch(/^I /);
  });

  it("HelperIQ's {prompt_key, text} keeps its {completion, provider, model}, with the same rewrite", async () => {
    const res = await agent.client.post("/api/v1/ai/completion", {
      prompt_key: "fix_grammar",
      text: "i has a question",
    });
    expect(res.body.data).toEqual({ completion: expect.any(String), provider: "local", model: "local-rules-v1" });
    const libreDesk = await agent.client.post("/api/v1/ai/completion", {
      prompt_key: "fix_grammar",
      content: "i has a question",
    });
    expect(res.body.data.completion).toBe(libreDesk.body.data);
  });

  it("errors name the field the request used; both or neither is a 400", async () => {
    expectError(
      await agent.client.post("/api/v1/ai/completion", { prompt_key: "fix_grammar", content: "   " }),
      400,
      /^content: required/,
    );
    expectError(
      await agent.client.post("/api/v1/ai/completion", { prompt_key: "fix_grammar", text: "   " }),
      400,
      /^text: required/,
    );
    expectError(
      await agent.client.post("/api/v1/ai/completion", { prompt_key: "fix_grammar" }),
      400,
      /^text: required \(or content\)/,
    );
    expectError(
      await agent.client.post("/api/v1/ai/completion", { prompt_key: "fix_grammar", text: "a", content: "b" }),
      400,
      /^content: give text or content/,
    );
    expectError(
      await agent.client.post("/api/v1/ai/completion", { prompt_key: "poetry", content: "hello there" }),
      400,
      /^prompt_key: /,
    );
  });
});

describe("AI providers named `provider`", () => {
  it("PUT /ai/provider takes {provider, api_key} like {type, api_key}; the key is sealed and masked", async () => {
    const res = await a.admin.put("/api/v1/ai/provider", { provider: "openai", api_key: "sk-libredesk-form-key" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ type: "openai" });
    expect(JSON.stringify(res.body.data)).not.toContain("sk-libredesk-form-key");
    const listed = (await a.admin.get("/api/v1/ai/providers")).body.data;
    expect(listed.map((p: { type: string }) => p.type)).toContain("openai");
    // Only this workspace has it.
    expect((await b.admin.get("/api/v1/ai/providers")).body.data).toEqual([]);
  });

  it("names must agree; one of them is required; unknown providers are refused", async () => {
    expectError(
      await a.admin.put("/api/v1/ai/provider", { type: "openai", provider: "claude", api_key: "sk-x-123" }),
      400,
      /^provider: names another provider/,
    );
    expectError(
      await a.admin.put("/api/v1/ai/provider", { api_key: "sk-x-123" }),
      400,
      /^type: required \(or provider\)/,
    );
    expectError(
      await a.admin.put("/api/v1/ai/provider", { provider: "gemini", api_key: "sk-x-123" }),
      400,
      /^provider: /,
    );
    expectError(await a.admin.put("/api/v1/ai/provider/default", { provider: "gemini" }), 400, /^provider: /);
    expectError(
      await a.admin.post("/api/v1/ai/provider/test", { type: "openai", provider: "claude" }),
      400,
      /^provider: /,
    );
    expectError(await agent.client.put("/api/v1/ai/provider", { provider: "openai", api_key: "sk-x-123" }), 403);
  });

  it("PUT /ai/provider/default takes {provider} as well as {type}", async () => {
    expect((await a.admin.put("/api/v1/ai/provider/default", { provider: "local" })).status).toBe(200);
    expect((await a.admin.get("/api/v1/settings/ai")).body.data.provider).toBe("local");
    expect((await a.admin.put("/api/v1/ai/provider/default", { type: "openai" })).status).toBe(200);
    expect((await a.admin.get("/api/v1/settings/ai")).body.data.provider).toBe("openai");
  });
});

describe("GET /api/v1/ecommerce/test/order", () => {
  beforeAll(async () => {
    const settings = { enabled: true, base_url: maho.url, client_id: "helperiq", client_secret: "maho-secret" };
    expect((await a.admin.put("/api/v1/ecommerce/settings", settings)).status).toBe(200);
  });

  it("order_number answers the order in LibreDesk's field names", async () => {
    const res = await a.admin.get("/api/v1/ecommerce/test/order?order_number=100000001");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      increment_id: "100000001",
      number: "100000001",
      customer_email: "jane@example.com",
      grand_total: expect.any(Number),
      items: [expect.objectContaining({ sku: "TS-BLUE", name: "Blue T-Shirt", qty: 2 })],
    });
    expect(res.body.data.grand_total).toBe(res.body.data.totals.grand_total);
  });

  it("number keeps the probe's outcome; the two must agree", async () => {
    const res = await a.admin.get("/api/v1/ecommerce/test/order?number=100000001");
    expect(res.body.data).toMatchObject({ ok: true, order: { number: "100000001" }, latency_ms: expect.any(Number) });
    expect(
      (await a.admin.get("/api/v1/ecommerce/test/order?number=100000001&order_number=100000001")).body.data.ok,
    ).toBe(true);
    expectError(
      await a.admin.get("/api/v1/ecommerce/test/order?number=100000001&order_number=100000002"),
      400,
      /^order_number: names another order/,
    );
    expectError(await a.admin.get("/api/v1/ecommerce/test/order"), 400, /^number: required \(or order_number\)/);
    expectError(await a.admin.get("/api/v1/ecommerce/test/order?order_number=100%20000"), 400, /^order_number: /);
  });

  it("an order the store does not have is a 404 for LibreDesk's form; a workspace without a store is a 400 naming order_number", async () => {
    expectError(await a.admin.get("/api/v1/ecommerce/test/order?order_number=999999999"), 404);
    expect((await a.admin.get("/api/v1/ecommerce/test/order?number=999999999")).body.data).toMatchObject({
      ok: true,
      order: null,
    });
    expectError(
      await b.admin.get("/api/v1/ecommerce/test/order?order_number=100000001"),
      400,
      /^order_number: Ecommerce is not configured/,
    );
  });
});

describe("GET /api/v1/agents keeps the contract's page (a deliberate difference)", () => {
  it("answers the page object with or without paging parameters", async () => {
    for (const query of ["", "?page=1&page_size=50"]) {
      const res = await a.admin.get(`/api/v1/agents${query}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        results: expect.any(Array),
        total: expect.any(Number),
        page: 1,
        page_size: 50,
      });
    }
    // What LibreDesk's screens read instead: the compact list, an array with the fields its agent list renders.
    const compact = (await a.admin.get("/api/v1/agents/compact")).body.data;
    expect(Array.isArray(compact)).toBe(true);
    expect(compact[0]).toMatchObject({
      id: expect.any(Number),
      email: expect.any(String),
      enabled: expect.any(Boolean),
    });
  });
});
