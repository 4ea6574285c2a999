import { createMahoEcommerce } from "@helperiq/adapters/ecommerce/maho";
import { members, toOrder } from "@helperiq/adapters/ecommerce/maho-shapes";
import { systemCtx, type Ctx } from "@helperiq/core/context/index";
import { mask, unseal } from "@helperiq/core/crypto/secret-box";
import { ecommerceContextFor } from "@helperiq/core/ecommerce/context";
import { detectOrderNumbers, orderNumberPatternProblem } from "@helperiq/core/ecommerce/order-numbers";
import { settings } from "@helperiq/core/schema";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createMessage,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";
import { mahoOrder, startMahoServer, type MahoServer } from "../support/maho-server.ts";

const SETTINGS = "/api/v1/ecommerce/settings";
const TEST = "/api/v1/ecommerce/test";
const STATUS = "/api/v1/ecommerce/status";
const CLIENT_ID = "helperiq-client";
const CLIENT_SECRET = "maho-client-secret-123";
const TOKEN_LIFETIME_S = 600;
const API = "/api/rest/v2";

let t: TestApp;
let maho: MahoServer;
let a: TestTenant;
let b: TestTenant;
let manager: TestAgent;
let plainAgent: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  maho = await startMahoServer({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    tokenLifetimeS: TOKEN_LIFETIME_S,
    now: () => t.clock.now().getTime(),
  });
  maho.customers.push(
    { id: 17, email: "jane@example.org", firstname: "Jane", lastname: "Doe", createdAt: "2024-03-01 10:00:00" },
    {
      id: 18,
      email: "jane.other@example.org",
      firstname: "Janet",
      lastname: "Other",
      createdAt: "2024-05-01 10:00:00",
    },
  );
  maho.orders.push(
    mahoOrder({
      id: 1,
      incrementId: "100000101",
      customerEmail: "jane@example.org",
      createdAt: "2026-09-01 09:00:00",
      status: "complete",
    }),
    mahoOrder({ id: 2, incrementId: "100000102", customerEmail: "jane@example.org", createdAt: "2026-10-01 09:00:00" }),
    mahoOrder({
      id: 3,
      incrementId: "100000103",
      customerEmail: "jane@example.org",
      createdAt: "2026-11-01 09:00:00",
      status: "shipped",
      shipments: [{ id: 9, tracks: [{ carrier: "dhl", title: "DHL", trackNumber: "00340434161234567890" }] }],
    }),
    mahoOrder({
      id: 4,
      incrementId: "100000777",
      customerEmail: "guest@example.net",
      createdAt: "2026-08-01 09:00:00",
      status: "canceled",
    }),
  );
  a = await createTenant(t);
  b = await createTenant(t);
  manager = await createAgent(t, a, { permissions: ["general_settings:manage"] });
  plainAgent = await createAgent(t, a, { permissions: ["conversations:read"] });
});
afterAll(async () => {
  await maho?.close();
  await t?.close();
});

const connected = (extra: Record<string, unknown> = {}) => ({
  enabled: true,
  base_url: maho.url,
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
  ...extra,
});

async function stored(tenant: TestTenant): Promise<Record<string, unknown> | undefined> {
  const [row] = await t.database.db
    .select({ value: settings.value })
    .from(settings)
    .where(and(eq(settings.tenantId, tenant.id), eq(settings.key, "ecommerce")));
  return row?.value as Record<string, unknown> | undefined;
}

function expectInputError(res: { status: number; body: any }, field: RegExp) {
  expect(res.status).toBe(400);
  expect(res.body.data.type).toBe("InputError");
  expect(res.body.data.message).toMatch(field);
}

/** A workspace of its own, connected to the store, so token counts are not disturbed by other tests. */
async function connectedTenant(extra: Record<string, unknown> = {}) {
  const tenant = await createTenant(t);
  const res = await tenant.admin.put(SETTINGS, connected(extra));
  expect(res.status).toBe(200);
  return tenant;
}

const DEFAULTS = {
  enabled: false,
  provider: "maho",
  base_url: "",
  client_id: "",
  client_secret: "",
  timeout_ms: 5000,
  recent_orders_limit: 5,
  order_number_pattern: "",
  // LibreDesk's name for the provider, "" until a connection is configured.
  type: "",
};

describe("ecommerce/settings", () => {
  it("answers the defaults for a new workspace", async () => {
    const tenant = await createTenant(t);
    const res = await tenant.admin.get(SETTINGS);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(DEFAULTS);
  });

  it("saves the connection, masks the secret in every answer and stores it sealed", async () => {
    const res = await manager.client.put(SETTINGS, connected({ base_url: `${maho.url}/`, timeout_ms: 3000 }));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      ...DEFAULTS,
      enabled: true,
      base_url: maho.url,
      client_id: CLIENT_ID,
      client_secret: mask(CLIENT_SECRET),
      timeout_ms: 3000,
      type: "magento1",
    });
    expect(JSON.stringify(res.body)).not.toContain(CLIENT_SECRET);
    const row = await stored(a);
    expect(row!.client_secret).not.toBe(CLIENT_SECRET);
    expect(JSON.stringify(row)).not.toContain(CLIENT_SECRET);
    expect(unseal(t.secrets, row!.client_secret as string)).toBe(CLIENT_SECRET);
    const read = await manager.client.get(SETTINGS);
    expect(read.body.data.client_secret).toBe(mask(CLIENT_SECRET));
  });

  it("keeps the stored secret when the form sends back the mask or nothing", async () => {
    const before = (await stored(a))!.client_secret;
    expect((await manager.client.put(SETTINGS, { client_secret: mask(CLIENT_SECRET), timeout_ms: 4000 })).status).toBe(
      200,
    );
    expect((await manager.client.put(SETTINGS, { client_id: CLIENT_ID })).status).toBe(200);
    const row = await stored(a);
    expect(row!.client_secret).toBe(before);
    expect(row!.timeout_ms).toBe(4000);
  });

  it("names the field of invalid input and writes nothing", async () => {
    const tenant = await createTenant(t);
    expectInputError(await tenant.admin.put(SETTINGS, { base_url: "ftp://shop.example.com" }), /^base_url: /);
    expectInputError(await tenant.admin.put(SETTINGS, { base_url: "https://user:pw@shop.example.com" }), /^base_url: /);
    expectInputError(await tenant.admin.put(SETTINGS, { timeout_ms: 100 }), /^timeout_ms: /);
    expectInputError(await tenant.admin.put(SETTINGS, { timeout_ms: 60_000 }), /^timeout_ms: /);
    expectInputError(await tenant.admin.put(SETTINGS, { provider: "shopify" }), /^provider: /);
    expectInputError(await tenant.admin.put(SETTINGS, { enabled: "yes" }), /^enabled: /);
    expectInputError(await tenant.admin.put(SETTINGS, { recent_orders_limit: 0 }), /^recent_orders_limit: /);
    expectInputError(await tenant.admin.put(SETTINGS, { order_number_pattern: "(" }), /^order_number_pattern: .*valid/);
    expectInputError(
      await tenant.admin.put(SETTINGS, { order_number_pattern: "(\\d+)+" }),
      /^order_number_pattern: .*backtracking/,
    );
    expectInputError(
      await tenant.admin.put(SETTINGS, { order_number_pattern: "\\d*" }),
      /^order_number_pattern: .*empty/,
    );
    // Enabling needs a complete connection; the refused update leaves nothing behind.
    expectInputError(
      await tenant.admin.put(SETTINGS, { enabled: true, base_url: maho.url, client_id: CLIENT_ID }),
      /^client_secret: required/,
    );
    expect(await stored(tenant)).toBeUndefined();
    expect((await tenant.admin.get(SETTINGS)).body.data).toEqual(DEFAULTS);
  });

  it("wants the secret again when base_url moves to another host", async () => {
    const tenant = await connectedTenant();
    expectInputError(
      await tenant.admin.put(SETTINGS, { base_url: "https://elsewhere.example.com" }),
      /^client_secret: enter it again/,
    );
    expect((await stored(tenant))!.base_url).toBe(maho.url);
    // The same host (another path) keeps the secret; another host with the secret typed is fine.
    expect((await tenant.admin.put(SETTINGS, { base_url: `${maho.url}/shop` })).status).toBe(200);
    const moved = await tenant.admin.put(SETTINGS, {
      base_url: "https://elsewhere.example.com",
      client_secret: "other-secret",
    });
    expect(moved.status).toBe(200);
    expect(unseal(t.secrets, (await stored(tenant))!.client_secret as string)).toBe("other-secret");
  });

  it("accepts a safe custom order number pattern", async () => {
    const tenant = await createTenant(t);
    const res = await tenant.admin.put(SETTINGS, { order_number_pattern: "#?(SO-\\d{6})" });
    expect(res.status).toBe(200);
    expect(res.body.data.order_number_pattern).toBe("#?(SO-\\d{6})");
  });

  it("is refused without general_settings:manage and without credentials", async () => {
    for (const res of [
      await plainAgent.client.get(SETTINGS),
      await plainAgent.client.put(SETTINGS, { timeout_ms: 1000 }),
      await plainAgent.client.post(TEST, {}),
      await plainAgent.client.get(`${TEST}/customer?email=jane@example.org`),
      await plainAgent.client.get(`${TEST}/order?number=100000101`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.data.type).toBe("PermissionError");
    }
    for (const res of [
      await a.anonymous.get(SETTINGS),
      await a.anonymous.get(STATUS),
      await a.anonymous.post(TEST, {}),
    ]) {
      expect(res.status).toBe(401);
    }
    expect((await stored(a))!.timeout_ms).toBe(4000);
  });

  it("keeps each workspace's connection to itself", async () => {
    // a is connected (above); b sees its own defaults and cannot use a's store.
    expect((await b.admin.get(SETTINGS)).body.data).toEqual(DEFAULTS);
    expect((await b.admin.get(STATUS)).body.data).toEqual({ enabled: false, configured: false });
    const probe = await b.admin.get(`${TEST}/customer?email=jane@example.org`);
    expect(probe.status).toBe(200);
    expect(probe.body.data).toMatchObject({ ok: false, error: expect.stringMatching(/not configured/) });
    // a's session on b's host is no identity there.
    expect((await manager.client.onHost(b.host).get(SETTINGS)).status).toBe(401);
  });
});

describe("GET /api/v1/ecommerce/status", () => {
  it("tells any agent whether to offer + Orders", async () => {
    const tenant = await createTenant(t);
    const agent = await createAgent(t, tenant, { permissions: [] });
    expect((await agent.client.get(STATUS)).body.data).toEqual({ enabled: false, configured: false });
    await tenant.admin.put(SETTINGS, { base_url: maho.url, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect((await agent.client.get(STATUS)).body.data).toEqual({ enabled: false, configured: true });
    await tenant.admin.put(SETTINGS, { enabled: true });
    const res = await agent.client.get(STATUS);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ enabled: true, configured: true });
  });
});

describe("ecommerce/test", () => {
  it("gets a token and makes a cheap call, with the latency", async () => {
    const res = await manager.client.post(TEST, {});
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ ok: true, latency_ms: expect.any(Number) });
    expect(maho.lastQuery(`${API}/orders`)?.get("itemsPerPage")).toBe("1");
  });

  it("says so in words when the credentials are wrong", async () => {
    const res = await manager.client.post(TEST, { client_secret: "wrong-secret" });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      ok: false,
      latency_ms: expect.any(Number),
      error: expect.stringMatching(/rejected the client id or secret/),
    });
    expect(JSON.stringify(res.body)).not.toContain("wrong-secret");
    // The stored settings are untouched by a test with other values.
    expect((await manager.client.post(TEST, {})).body.data.ok).toBe(true);
  });

  it("says so when the store cannot be reached or fails", async () => {
    const unreachable = await manager.client.post(TEST, {
      base_url: "http://127.0.0.1:1",
      client_secret: CLIENT_SECRET,
    });
    expect(unreachable.body.data).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Could not reach http:\/\/127\.0\.0\.1:1/),
    });
    const noApi = await manager.client.post(TEST, { base_url: `${maho.url}/elsewhere` });
    expect(noApi.body.data).toMatchObject({ ok: false, error: expect.stringMatching(/No Maho API .*404/) });
    maho.fail(`${API}/orders`, 500);
    try {
      const failing = await manager.client.post(TEST, {});
      expect(failing.body.data).toMatchObject({ ok: false, error: expect.stringMatching(/answered 500/) });
    } finally {
      maho.fail(`${API}/orders`, 0);
    }
  });

  it("answers not configured for a workspace without a connection", async () => {
    const tenant = await createTenant(t);
    const res = await tenant.admin.post(TEST, {});
    expect(res.body.data).toEqual({ ok: false, latency_ms: 0, error: expect.stringMatching(/not configured/) });
  });

  it("never sends the saved secret to another host", async () => {
    const res = await manager.client.post(TEST, { base_url: "http://127.0.0.1:1" });
    expectInputError(res, /^client_secret: enter it/);
  });

  it("validates the values it is asked to try", async () => {
    expectInputError(await manager.client.post(TEST, { base_url: "not a url" }), /^base_url: /);
    expectInputError(await manager.client.post(TEST, { timeout_ms: 5 }), /^timeout_ms: /);
  });
});

describe("ecommerce lookups", () => {
  it("finds a customer and their latest orders, newest first, up to the limit (GET /api/v1/ecommerce/test/customer)", async () => {
    const tenant = await connectedTenant({ recent_orders_limit: 2 });
    const res = await tenant.admin.get(`${TEST}/customer?email=jane@example.org`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      ok: true,
      latency_ms: expect.any(Number),
      customer: {
        id: "17",
        email: "jane@example.org",
        first_name: "Jane",
        last_name: "Doe",
        created_at: "2024-03-01 10:00:00",
      },
    });
    expect(res.body.data.orders.map((o: { number: string }) => o.number)).toEqual(["100000103", "100000102"]);
    expect(maho.lastQuery(`${API}/orders`)?.get("email")).toBe("jane@example.org");
    expect(maho.lastQuery(`${API}/orders`)?.get("itemsPerPage")).toBe("2");
  });

  it("answers null for an unknown customer and 400 for a malformed email", async () => {
    const res = await manager.client.get(`${TEST}/customer?email=nobody@example.org`);
    expect(res.body.data).toMatchObject({ ok: true, customer: null, orders: [] });
    expectInputError(await manager.client.get(`${TEST}/customer?email=not-an-email`), /^email: /);
    expectInputError(await manager.client.get(`${TEST}/customer`), /^email: /);
  });

  it("finds an order by number with items, totals, status and tracking", async () => {
    const res = await manager.client.get(`${TEST}/order?number=%23100000103`);
    expect(res.status).toBe(200);
    expect(res.body.data.order).toEqual({
      id: "3",
      number: "100000103",
      status: "shipped",
      state: "processing",
      created_at: "2026-11-01 09:00:00",
      customer_email: "jane@example.org",
      customer_name: "Jane Doe",
      currency: "EUR",
      items: [
        {
          sku: "TS-BLUE",
          name: "Blue T-Shirt",
          qty_ordered: 2,
          qty_shipped: 0,
          qty_refunded: 0,
          price: 19.95,
          row_total: 39.9,
        },
      ],
      totals: { subtotal: 39.9, shipping: 4.9, tax: 0, discount: 0, grand_total: 44.8, paid: 44.8, refunded: 0 },
      payment_method: "Check / Money order",
      shipping_method: "Flat Rate - Fixed",
      shipping_address: "Jane Doe, 1 Main St, 2000 Sydney, AU",
      tracking: [{ carrier: "dhl", title: "DHL", number: "00340434161234567890" }],
    });
    expect(maho.lastQuery(`${API}/orders`)?.get("incrementId")).toBe("100000103");
  });

  it("answers null for an unknown order and 400 for a malformed number", async () => {
    expect((await manager.client.get(`${TEST}/order?number=199999999`)).body.data).toMatchObject({
      ok: true,
      order: null,
    });
    expectInputError(await manager.client.get(`${TEST}/order?number=abc%20def`), /^number: /);
    expectInputError(await manager.client.get(`${TEST}/order`), /^number: /);
  });

  it("turns a timeout into a readable answer", async () => {
    const tenant = await connectedTenant({ timeout_ms: 500 });
    maho.slow(`${API}/orders`, 1500);
    try {
      const res = await tenant.admin.get(`${TEST}/order?number=100000101`);
      expect(res.body.data).toMatchObject({ ok: false, error: "The store did not answer within 500 ms" });
    } finally {
      maho.slow(`${API}/orders`, 0);
    }
  });
});

describe("ecommerce tokens", () => {
  it("asks for one token for many lookups", async () => {
    const tenant = await connectedTenant();
    const before = maho.tokensIssued();
    for (let i = 0; i < 3; i++) {
      expect((await tenant.admin.get(`${TEST}/customer?email=jane@example.org`)).body.data.ok).toBe(true);
      expect((await tenant.admin.get(`${TEST}/order?number=100000101`)).body.data.ok).toBe(true);
    }
    expect(maho.tokensIssued() - before).toBe(1);
  });

  it("renews the token shortly before it expires, on the clock", async () => {
    const tenant = await connectedTenant();
    const before = maho.tokensIssued();
    await tenant.admin.get(`${TEST}/order?number=100000101`);
    expect(maho.tokensIssued() - before).toBe(1);
    // Well inside its lifetime: the cached token is used.
    t.clock.advance((TOKEN_LIFETIME_S - 120) * 1000);
    expect((await tenant.admin.get(`${TEST}/order?number=100000101`)).body.data.ok).toBe(true);
    expect(maho.tokensIssued() - before).toBe(1);
    // Within the last minute of its life: a new one is fetched before the store would refuse the old one.
    t.clock.advance(90 * 1000);
    const rejectedBefore = maho.hits(`${API}/orders`);
    expect((await tenant.admin.get(`${TEST}/order?number=100000101`)).body.data.ok).toBe(true);
    expect(maho.tokensIssued() - before).toBe(2);
    expect(maho.hits(`${API}/orders`) - rejectedBefore).toBe(1);
  });

  it("fetches a new token once when the store answers 401", async () => {
    const tenant = await connectedTenant();
    await tenant.admin.get(`${TEST}/order?number=100000101`);
    const before = maho.tokensIssued();
    const hits = maho.hits(`${API}/orders`);
    maho.revokeTokens();
    const res = await tenant.admin.get(`${TEST}/order?number=100000101`);
    expect(res.body.data).toMatchObject({ ok: true, order: { number: "100000101" } });
    expect(maho.tokensIssued() - before).toBe(1);
    expect(maho.hits(`${API}/orders`) - hits).toBe(2);
  });

  it("never shares a token between workspaces", async () => {
    const one = await connectedTenant();
    const two = await connectedTenant();
    const before = maho.tokensIssued();
    await one.admin.get(`${TEST}/order?number=100000101`);
    await two.admin.get(`${TEST}/order?number=100000101`);
    await one.admin.get(`${TEST}/order?number=100000101`);
    expect(maho.tokensIssued() - before).toBe(2);
  });
});

describe("order numbers in messages", () => {
  it("finds order numbers written the way customers write them", () => {
    expect(detectOrderNumbers(["Where is my order #100000123?"])).toEqual(["100000123"]);
    expect(detectOrderNumbers(["Bestellung Nr. 200004711 ist nicht angekommen"])).toEqual(["200004711"]);
    expect(detectOrderNumbers(["my order number is 312345678."])).toEqual(["312345678"]);
    expect(detectOrderNumbers(["I got 100000124 yesterday, and 100000125, too"])).toEqual(["100000124", "100000125"]);
    expect(detectOrderNumbers(["newest: #100000002", "older: #100000001"])).toEqual(["100000002", "100000001"]);
    expect(detectOrderNumbers(["#100000001 #100000001 #100000002"])).toEqual(["100000001", "100000002"]);
  });

  it("leaves phone numbers, tracking codes, timestamps, amounts and long ids alone", () => {
    const negatives = [
      "Call me on +49 171 123456789",
      "My number: 0171 100000555",
      "Phone 030-100000123",
      "Tracking: JJD000390007100000123",
      "DHL 00340434161234567890",
      "UPS 1Z999AA10123456784",
      "timestamp 1732420000 and 1732420000123",
      "Total 123456789.50 EUR",
      "reference 9876543210",
      "IBAN DE89370400440532013000",
      "call 555 123 456 789",
      "sent at 2026-11-24 100000123",
      "it costs 312345678 dollars",
    ];
    for (const text of negatives) expect(detectOrderNumbers([text]), text).toEqual([]);
  });

  it("stops at five numbers", () => {
    const text = Array.from({ length: 8 }, (_, i) => `#10000010${i}`).join(" ");
    expect(detectOrderNumbers([text])).toHaveLength(5);
  });

  it("uses a workspace's own pattern instead", () => {
    expect(detectOrderNumbers(["Order SO-123456 and #100000123"], "#?(SO-\\d{6})")).toEqual(["SO-123456"]);
    expect(detectOrderNumbers(["XSO-123456"], "SO-\\d{6}")).toEqual([]);
    expect(orderNumberPatternProblem("#?(SO-\\d{6})")).toBeNull();
    for (const safe of ["(?:SO-)?\\d{6}", "(\\d{3})-(\\d{6})", "[+*]\\d{5}", "\\(\\d+\\)+", "#(\\d{9})"]) {
      expect(orderNumberPatternProblem(safe), safe).toBeNull();
    }
    for (const risky of ["(a+)+$", "((a+)b)+", "(?:x*y)+", "(a{2,})+", "(\\w+\\s?)+$"]) {
      expect(orderNumberPatternProblem(risky), risky).toMatch(/backtracking/);
    }
    expect(orderNumberPatternProblem("(\\d)\\1")).toMatch(/backreferences/);
  });
});

describe("ecommerceContextFor", () => {
  const logs: string[] = [];
  const deps = () => ({
    ecommerce: createMahoEcommerce({ clock: t.clock, guard: t.outbound }),
    secrets: t.secrets,
    log: (line: string) => void logs.push(line),
  });
  const ctxOf = (tenant: TestTenant): Ctx => systemCtx(t.jobs, tenant.id);

  async function conversationOf(tenant: TestTenant, email: string, texts: string[]) {
    const contact = await createContact(t, tenant, { email });
    const conversation = await createConversation(t, tenant, { contactId: contact.id });
    let at = t.clock.now().getTime() - texts.length * 1000;
    for (const text of texts)
      await createMessage(t, tenant, conversation.id, { text, createdAt: new Date((at += 1000)) });
    return conversation;
  }

  it("gives the customer, their recent orders and the orders the conversation mentions", async () => {
    const tenant = await connectedTenant({ recent_orders_limit: 2 });
    const conversation = await conversationOf(tenant, "jane@example.org", [
      "Hello, my friend ordered #100000777 for me",
      "Call me on +49 171 123456789 please",
    ]);
    const context = await ecommerceContextFor(ctxOf(tenant), { uuid: conversation.uuid }, deps());
    expect(context.included).toBe(true);
    expect(context.customer).toMatchObject({ id: "17", email: "jane@example.org" });
    expect(context.mentioned_order_numbers).toEqual(["100000777"]);
    expect(context.orders.map((o) => o.number)).toEqual(["100000103", "100000102", "100000777"]);
    expect(context.text).toContain("Customer: Jane Doe <jane@example.org>");
    expect(context.text).toContain(
      "Order #100000777 (mentioned in the conversation): placed 2026-08-01, status canceled, total 44.80 EUR",
    );
    expect(context.text).toContain("Tracking: DHL 00340434161234567890");
    expect(context.text).not.toContain("123456789 ");
  });

  it("says which mentioned orders the store does not know, and works for unknown customers", async () => {
    const tenant = await connectedTenant();
    const conversation = await conversationOf(tenant, "stranger@example.org", [
      "Order #100000101 and order #199999999",
    ]);
    const context = await ecommerceContextFor(ctxOf(tenant), { id: conversation.id }, deps());
    expect(context.customer).toBeNull();
    expect(context.orders.map((o) => o.number)).toEqual(["100000101"]);
    expect(context.text).toContain("Mentioned but not found in the store: #199999999");
  });

  it("is empty, without calling the store, when the integration is off", async () => {
    const tenant = await createTenant(t);
    await tenant.admin.put(SETTINGS, { base_url: maho.url, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const conversation = await conversationOf(tenant, "jane@example.org", ["order #100000101"]);
    const hits = maho.hits(`${API}/orders`) + maho.hits(`${API}/auth/token`);
    const context = await ecommerceContextFor(ctxOf(tenant), { id: conversation.id }, deps());
    expect(context).toEqual({ included: false, customer: null, orders: [], mentioned_order_numbers: [], text: "" });
    expect(maho.hits(`${API}/orders`) + maho.hits(`${API}/auth/token`)).toBe(hits);
  });

  it("never reads another workspace's conversation", async () => {
    const tenant = await connectedTenant();
    const other = await connectedTenant();
    const conversation = await conversationOf(other, "jane@example.org", ["order #100000101"]);
    const context = await ecommerceContextFor(ctxOf(tenant), { id: conversation.id }, deps());
    expect(context.included).toBe(false);
    expect(context.orders).toEqual([]);
  });

  it("turns a slow store into an empty context within its budget, and logs it", async () => {
    const tenant = await connectedTenant({ timeout_ms: 500 });
    const conversation = await conversationOf(tenant, "jane@example.org", ["order #100000101"]);
    maho.slow(`${API}/orders`, 4000);
    maho.slow(`${API}/customers`, 4000);
    logs.length = 0;
    try {
      const started = Date.now();
      const context = await ecommerceContextFor(ctxOf(tenant), { id: conversation.id }, deps());
      // Budget: twice the 500 ms request timeout; the store would have taken 4 s.
      expect(Date.now() - started).toBeLessThan(3000);
      expect(context).toMatchObject({ included: false, customer: null, orders: [], text: "" });
      expect(logs.join("\n")).toMatch(/did not answer within 500 ms|did not finish within/);
    } finally {
      maho.slow(`${API}/orders`, 0);
      maho.slow(`${API}/customers`, 0);
    }
  });

  it("keeps what answered when one lookup fails, and never throws on store errors", async () => {
    const tenant = await connectedTenant();
    const conversation = await conversationOf(tenant, "jane@example.org", ["hi"]);
    maho.fail(`${API}/orders`, 500);
    logs.length = 0;
    try {
      const context = await ecommerceContextFor(ctxOf(tenant), { id: conversation.id }, deps());
      expect(context.included).toBe(true);
      expect(context.customer).toMatchObject({ id: "17" });
      expect(context.orders).toEqual([]);
      expect(logs.join("\n")).toMatch(/recent orders failed: The store answered 500/);
    } finally {
      maho.fail(`${API}/orders`, 0);
    }
    maho.fail(`${API}/auth/token`, 503);
    try {
      const context = await ecommerceContextFor(
        ctxOf(tenant),
        { id: conversation.id },
        {
          ...deps(),
          // A fresh adapter has no cached token: the token endpoint's failure is the only answer.
          ecommerce: createMahoEcommerce({ clock: t.clock, guard: t.outbound }),
        },
      );
      expect(context.included).toBe(false);
    } finally {
      maho.fail(`${API}/auth/token`, 0);
    }
  });
});

describe("Magento 1 REST shapes", () => {
  it("reads a collection keyed by entity id with snake_case fields and decimal strings", () => {
    const body = {
      "42": {
        entity_id: "42",
        increment_id: "100000042",
        status: "pending",
        state: "new",
        created_at: "2026-11-20 08:30:00",
        customer_email: "jane@example.org",
        customer_firstname: "Jane",
        customer_lastname: "Doe",
        order_currency_code: "USD",
        subtotal: "30.0000",
        shipping_amount: "5.0000",
        tax_amount: "2.5000",
        discount_amount: "-3.0000",
        grand_total: "34.5000",
        total_paid: null,
        payment_method: "checkmo",
        shipping_description: "Flat Rate - Fixed",
        addresses: [
          {
            address_type: "billing",
            firstname: "Jane",
            lastname: "Doe",
            street: "9 Bill St",
            city: "Austin",
            postcode: "73301",
            country_id: "US",
          },
          {
            address_type: "shipping",
            firstname: "Jane",
            lastname: "Doe",
            street: "1 Ship St\nApt 2",
            city: "Austin",
            postcode: "73301",
            country_id: "US",
          },
        ],
        order_items: [
          {
            sku: "MUG",
            name: "Mug",
            qty_ordered: "3.0000",
            qty_shipped: "0.0000",
            price: "10.0000",
            row_total: "30.0000",
          },
        ],
      },
    };
    const [order] = members(body).map(toOrder);
    expect(order).toEqual({
      id: "42",
      number: "100000042",
      status: "pending",
      state: "new",
      created_at: "2026-11-20 08:30:00",
      customer_email: "jane@example.org",
      customer_name: "Jane Doe",
      currency: "USD",
      items: [{ sku: "MUG", name: "Mug", qty_ordered: 3, qty_shipped: 0, qty_refunded: 0, price: 10, row_total: 30 }],
      totals: { subtotal: 30, shipping: 5, tax: 2.5, discount: -3, grand_total: 34.5, paid: 0, refunded: 0 },
      payment_method: "checkmo",
      shipping_method: "Flat Rate - Fixed",
      shipping_address: "Jane Doe, 1 Ship St, Apt 2, 73301 Austin, US",
      tracking: [],
    });
    expect(members({ member: [] })).toEqual([]);
    expect(members({ "hydra:member": [{ id: 1 }], "hydra:totalItems": 1 })).toEqual([{ id: 1 }]);
    expect(members({ message: "oops" })).toEqual([]);
  });
});
