import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createMessage,
  createTenant,
  type TestTenant,
} from "../support/factories.ts";
import { mahoOrder, startMahoServer, type MahoServer } from "../support/maho-server.ts";

/** GET /api/v1/conversations/:uuid/orders: the conversation sidebar's orders panel, against a local Maho store. */
const CLIENT_ID = "orders-client";
const CLIENT_SECRET = "orders-client-secret-1";
const ordersOf = (uuid: string) => `/api/v1/conversations/${uuid}/orders`;

let t: TestApp;
let maho: MahoServer;
let a: TestTenant;
let b: TestTenant;
let uuid: string;

beforeAll(async () => {
  t = await bootTestApp();
  maho = await startMahoServer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  maho.customers.push({
    id: 5,
    email: "olga@example.org",
    firstname: "Olga",
    lastname: "Orders",
    createdAt: "2025-01-02 10:00:00",
  });
  maho.orders.push(
    mahoOrder({ id: 1, incrementId: "200000001", customerEmail: "olga@example.org", createdAt: "2026-10-01 09:00:00" }),
    mahoOrder({
      id: 2,
      incrementId: "200000002",
      customerEmail: "olga@example.org",
      createdAt: "2026-11-01 09:00:00",
      status: "complete",
    }),
    mahoOrder({
      id: 3,
      incrementId: "200000777",
      customerEmail: "someone@example.net",
      createdAt: "2026-09-01 09:00:00",
    }),
  );
  a = await createTenant(t);
  b = await createTenant(t);
  const contact = await createContact(t, a, { email: "olga@example.org", firstName: "Olga" });
  const conversation = await createConversation(t, a, { contactId: contact.id });
  await createMessage(t, a, conversation.id, { text: "Where are orders 200000002 and 200000777?" });
  uuid = conversation.uuid;
});
afterAll(async () => {
  await maho?.close();
  await t?.close();
});

describe("GET /api/v1/conversations/:uuid/orders", () => {
  it("answers enabled:false and no orders while no store is connected", async () => {
    const res = await a.admin.get(ordersOf(uuid));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ enabled: false, customer: null, orders: [], mentioned_order_numbers: [] });
  });

  it("answers the contact's customer, their orders and the orders the conversation mentions, each once", async () => {
    const put = await a.admin.put("/api/v1/ecommerce/settings", {
      enabled: true,
      base_url: maho.url,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(put.status).toBe(200);
    const res = await a.admin.get(ordersOf(uuid));
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(data.enabled).toBe(true);
    expect(data.customer).toMatchObject({ email: "olga@example.org", first_name: "Olga" });
    expect(data.orders.map((o: { number: string }) => o.number).sort()).toEqual([
      "200000001",
      "200000002",
      "200000777",
    ]);
    expect([...data.mentioned_order_numbers].sort()).toEqual(["200000002", "200000777"]);
  });

  it("a store that fails answers an empty list, not an error", async () => {
    maho.fail("/api/rest/v2/orders", 500);
    maho.fail("/api/rest/v2/customers", 500);
    try {
      const res = await a.admin.get(ordersOf(uuid));
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ enabled: true, orders: [] });
    } finally {
      maho.fail("/api/rest/v2/orders", 0);
      maho.fail("/api/rest/v2/customers", 0);
    }
  });

  it("rejects a malformed uuid with a 400 naming it, and another workspace's conversation with a 404", async () => {
    const bad = await a.admin.get(ordersOf("not-a-uuid"));
    expect(bad.status).toBe(400);
    expect(bad.body.data.type).toBe("InputError");
    expect(bad.body.data.message).toMatch(/^uuid: /);
    const other = await b.admin.get(ordersOf(uuid));
    expect(other.status).toBe(404);
  });

  it("needs conversations:read, and a conversation the agent may see", async () => {
    const outsider = await createAgent(t, a, { permissions: ["contacts:read"] });
    expect((await outsider.client.get(ordersOf(uuid))).status).toBe(403);
    const reader = await createAgent(t, a, { permissions: ["conversations:read"] });
    expect((await reader.client.get(ordersOf(uuid))).status).toBe(404);
  });
});
