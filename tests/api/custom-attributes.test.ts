import { validateAttributeValues } from "@helperiq/core/custom-attribute/index";
import { conversations, users } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read"] });
});
afterAll(() => t.close());

const PATH = "/api/v1/custom-attributes";
const attribute = (over: Record<string, unknown> = {}) => ({
  applies_to: "conversation",
  name: "Order number",
  key: "order_number",
  description: "The shop's order id",
  type: "text",
  ...over,
});

describe("custom attributes: happy path", () => {
  it("creates, reads, updates and deletes a definition (GET, PUT, DELETE /api/v1/custom-attributes/:id)", async () => {
    const created = await a.admin.post(PATH, attribute({ key: "plan", type: "list", values: ["Free", "Pro"] }));
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      applies_to: "conversation",
      key: "plan",
      type: "list",
      values: ["Free", "Pro"],
      regex: null,
      created_at: expect.any(String),
    });
    const id = created.body.data.id;
    expect((await a.admin.get(`${PATH}/${id}`)).body.data.key).toBe("plan");

    const updated = await a.admin.put(`${PATH}/${id}`, {
      name: "Plan",
      values: ["Free", "Pro", "Enterprise"],
      key: "plan",
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ id, name: "Plan", key: "plan", values: ["Free", "Pro", "Enterprise"] });

    expect((await a.admin.delete(`${PATH}/${id}`)).status).toBe(200);
    expect((await a.admin.get(`${PATH}/${id}`)).status).toBe(404);
  });

  it("lets any agent list the definitions, filtered by applies_to (GET /api/v1/custom-attributes)", async () => {
    await a.admin.post(PATH, attribute({ key: "vip", applies_to: "contact", type: "checkbox" }));
    await a.admin.post(PATH, attribute({ key: "sku", type: "text", regex: "^[A-Z]{3}-\\d{4}$" }));
    const all = (await agent.client.get(PATH)).body.data.map((d: { key: string }) => d.key);
    expect(all).toEqual(expect.arrayContaining(["vip", "sku"]));
    const contacts = await agent.client.get(`${PATH}?applies_to=contact`);
    expect(contacts.status).toBe(200);
    expect(contacts.body.data.every((d: { applies_to: string }) => d.applies_to === "contact")).toBe(true);
    expect(contacts.body.data.map((d: { key: string }) => d.key)).toContain("vip");
  });

  it("allows the same key once per target", async () => {
    expect((await a.admin.post(PATH, attribute({ key: "region", applies_to: "contact" }))).status).toBe(201);
    expect((await a.admin.post(PATH, attribute({ key: "region", applies_to: "conversation" }))).status).toBe(201);
  });

  it("deleting a definition removes its values from conversations and contacts", async () => {
    const def = (await a.admin.post(PATH, attribute({ key: "legacy_id" }))).body.data;
    const contactDef = (await a.admin.post(PATH, attribute({ key: "legacy_id", applies_to: "contact" }))).body.data;
    const conversation = await createConversation(t, a, { customAttributes: { legacy_id: "L-1", kept: "yes" } });
    const contact = await createContact(t, a);
    await t.database.db
      .update(users)
      .set({ customAttributes: { legacy_id: "C-1" } })
      .where(eq(users.id, contact.id));
    const foreign = await createConversation(t, b, { customAttributes: { legacy_id: "B-1" } });
    await createConversation(t, a, { customAttributes: { kept: "no legacy id" } });

    const before = t.published.length;
    await a.admin.delete(`${PATH}/${def.id}`);
    const [row] = await t.database.db.select().from(conversations).where(eq(conversations.id, conversation.id));
    expect(row!.customAttributes).toEqual({ kept: "yes" });
    // Only the conversations that held a value change, and their clients get the attributes that remain.
    expect(t.published.slice(before)).toEqual([
      {
        type: "conversation_update",
        tenantId: a.id,
        conversationUuid: conversation.uuid,
        changes: { custom_attributes: { kept: "yes" } },
      },
    ]);
    const [contactRow] = await t.database.db.select().from(users).where(eq(users.id, contact.id));
    expect(contactRow!.customAttributes).toEqual({ legacy_id: "C-1" });

    await a.admin.delete(`${PATH}/${contactDef.id}`);
    const [cleared] = await t.database.db.select().from(users).where(eq(users.id, contact.id));
    expect(cleared!.customAttributes).toEqual({});
    const [untouched] = await t.database.db.select().from(conversations).where(eq(conversations.id, foreign.id));
    expect(untouched!.customAttributes).toEqual({ legacy_id: "B-1" });
  });
});

describe("custom attributes: errors", () => {
  it("validates key, name, type and applies_to, naming the field", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [attribute({ key: "Order-No" }), /^key: /],
      [attribute({ key: "k".repeat(65) }), /^key: /],
      [attribute({ name: "n".repeat(141) }), /^name: /],
      [attribute({ name: "  " }), /^name: /],
      [attribute({ type: "color" }), /^type: /],
      [attribute({ applies_to: "inbox" }), /^applies_to: /],
    ];
    for (const [body, message] of cases) {
      const res = await a.admin.post(PATH, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.data).toEqual({ type: "InputError", message: expect.stringMatching(message) });
    }
  });

  it("requires values for lists only and a regex for text only, valid and safe", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [attribute({ key: "l1", type: "list" }), /^values: .*at least one/],
      [attribute({ key: "l2", type: "list", values: [] }), /^values: /],
      [attribute({ key: "l3", type: "list", values: ["a", "a"] }), /^values: .*twice/],
      [attribute({ key: "n1", type: "number", values: ["1"] }), /^values: only list/],
      [attribute({ key: "n2", type: "number", regex: "^\\d+$" }), /^regex: only text/],
      [attribute({ key: "t1", regex: "([a-z" }), /^regex: not a valid/],
      [attribute({ key: "t2", regex: "^(a+)+$" }), /^regex: .*exponential/],
      [attribute({ key: "t3", regex: "^(\\w*\\d)*$" }), /^regex: .*exponential/],
    ];
    for (const [body, message] of cases) {
      const res = await a.admin.post(PATH, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.data.message).toMatch(message);
    }
    // Bounded repetition inside a repeated group is fine, as are quantifiers in character classes.
    expect((await a.admin.post(PATH, attribute({ key: "t4", regex: "^(\\d{3}-)+[+*]?$" }))).status).toBe(201);
  });

  it("refuses a duplicate key and any change of key, target or type", async () => {
    const { id } = (await a.admin.post(PATH, attribute({ key: "fixed" }))).body.data;
    const dup = await a.admin.post(PATH, attribute({ key: "fixed", name: "Other" }));
    expect(dup.status).toBe(400);
    expect(dup.body.data.message).toMatch(/^key: .*already exists/);
    expect((await a.admin.put(`${PATH}/${id}`, { key: "renamed" })).body.data.message).toMatch(
      /^key: cannot be changed/,
    );
    expect((await a.admin.put(`${PATH}/${id}`, { applies_to: "contact" })).body.data.message).toMatch(/^applies_to: /);
    expect((await a.admin.put(`${PATH}/${id}`, { type: "number" })).body.data.message).toMatch(/^type: /);
    expect((await a.admin.put(`${PATH}/${id}`, { values: ["x"] })).body.data.message).toMatch(/^values: only list/);
    expect((await a.admin.put(`${PATH}/${id}`, {})).status).toBe(400);
    expect((await a.admin.get(`${PATH}/${id}`)).body.data).toMatchObject({ key: "fixed", type: "text", values: [] });
  });

  it("clears a regex sent as an empty string or null", async () => {
    const { id } = (await a.admin.post(PATH, attribute({ key: "coded", regex: "^[A-Z]+$" }))).body.data;
    expect((await a.admin.put(`${PATH}/${id}`, { regex: "" })).body.data.regex).toBeNull();
    await a.admin.put(`${PATH}/${id}`, { regex: "^x$" });
    expect((await a.admin.put(`${PATH}/${id}`, { regex: null })).body.data.regex).toBeNull();
  });

  it("answers 404 for an unknown id, 400 for a malformed one or a bad applies_to filter", async () => {
    expect((await a.admin.get(`${PATH}/999999`)).status).toBe(404);
    expect((await a.admin.put(`${PATH}/999999`, { name: "x" })).status).toBe(404);
    expect((await a.admin.delete(`${PATH}/999999`)).status).toBe(404);
    expect((await a.admin.get(`${PATH}/abc`)).body.data.message).toMatch(/^id: /);
    expect((await a.admin.get(`${PATH}?applies_to=inbox`)).body.data.message).toMatch(/^applies_to: /);
  });
});

describe("custom attributes: security", () => {
  it("needs credentials", async () => {
    const res = await a.anonymous.get(PATH);
    expect(res.status).toBe(401);
    expect(res.body.data.type).toBe("AuthError");
    expect((await a.anonymous.post(PATH, attribute({ key: "anon" }))).status).toBe(401);
  });

  it("needs custom_attributes:manage for everything but the list", async () => {
    const { id } = (await a.admin.post(PATH, attribute({ key: "guarded" }))).body.data;
    const denied = await agent.client.post(PATH, attribute({ key: "nope" }));
    expect(denied.status).toBe(403);
    expect(denied.body.data.type).toBe("PermissionError");
    expect((await agent.client.get(`${PATH}/${id}`)).status).toBe(403);
    expect((await agent.client.put(`${PATH}/${id}`, { name: "x" })).status).toBe(403);
    expect((await agent.client.delete(`${PATH}/${id}`)).status).toBe(403);
    const manager = await createAgent(t, a, { permissions: ["custom_attributes:manage"] });
    expect((await manager.client.put(`${PATH}/${id}`, { name: "Managed" })).body.data.name).toBe("Managed");
  });

  it("never shows or changes another workspace's definitions", async () => {
    const theirs = (await b.admin.post(PATH, attribute({ key: "b_secret", name: "B secret" }))).body.data;
    expect(JSON.stringify((await a.admin.get(PATH)).body)).not.toContain("b_secret");
    expect((await a.admin.get(`${PATH}/${theirs.id}`)).status).toBe(404);
    expect((await a.admin.put(`${PATH}/${theirs.id}`, { name: "hijacked" })).status).toBe(404);
    expect((await a.admin.delete(`${PATH}/${theirs.id}`)).status).toBe(404);
    expect((await b.admin.get(`${PATH}/${theirs.id}`)).body.data.name).toBe("B secret");
    // The same key is free in A: keys are unique per workspace.
    expect((await a.admin.post(PATH, attribute({ key: "b_secret" }))).status).toBe(201);
  });
});

describe("validateAttributeValues", () => {
  let tenant: TestTenant;
  const ctx = () => ({ db: t.database.db, tenantId: tenant.id });

  beforeAll(async () => {
    tenant = await createTenant(t);
    const define = (body: Record<string, unknown>) =>
      tenant.admin.post(PATH, { name: "Attr", applies_to: "conversation", ...body });
    await define({ key: "note", type: "text" });
    await define({ key: "sku", type: "text", regex: "^[A-Z]{3}-\\d{4}$" });
    await define({ key: "amount", type: "number" });
    await define({ key: "paid", type: "checkbox" });
    await define({ key: "due", type: "date" });
    await define({ key: "invoice", type: "link" });
    await define({ key: "plan", type: "list", values: ["Free", "Pro"] });
    await tenant.admin.post(PATH, { name: "Contact only", applies_to: "contact", key: "tier", type: "text" });
  });

  it("accepts values that fit their definitions, and null to clear a key", async () => {
    const values = {
      note: "x".repeat(2000),
      sku: "ABC-1234",
      amount: -12.5,
      paid: false,
      due: "2024-02-29",
      invoice: "https://shop.example.com/invoices/7?x=1",
      plan: "Pro",
    };
    await expect(validateAttributeValues(ctx(), "conversation", values)).resolves.toEqual(values);
    await expect(
      validateAttributeValues(ctx(), "conversation", { due: "2024-05-31T10:15:00Z", plan: null }),
    ).resolves.toBeTruthy();
    await expect(validateAttributeValues(ctx(), "conversation", {})).resolves.toEqual({});
  });

  it("refuses each mismatch with a 400 naming custom_attributes.<key>", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ unknown_key: "x" }, "custom_attributes.unknown_key"],
      [{ tier: "gold" }, "custom_attributes.tier"], // a contact attribute, not a conversation one
      [{ note: 42 }, "custom_attributes.note"],
      [{ note: "x".repeat(2001) }, "custom_attributes.note"],
      [{ sku: "abc-1234" }, "custom_attributes.sku"],
      [{ amount: "12" }, "custom_attributes.amount"],
      [{ amount: Number.POSITIVE_INFINITY }, "custom_attributes.amount"],
      [{ paid: "true" }, "custom_attributes.paid"],
      [{ due: "2023-02-29" }, "custom_attributes.due"],
      [{ due: "31/05/2024" }, "custom_attributes.due"],
      [{ invoice: "javascript:alert(1)" }, "custom_attributes.invoice"],
      [{ invoice: "shop.example.com" }, "custom_attributes.invoice"],
      [{ plan: "Gold" }, "custom_attributes.plan"],
      [{ plan: ["Pro"] }, "custom_attributes.plan"],
    ];
    for (const [values, field] of cases) {
      const failure = validateAttributeValues(ctx(), "conversation", values);
      await expect(failure, JSON.stringify(values)).rejects.toMatchObject({ type: "InputError", status: 400 });
      await expect(failure).rejects.toThrow(new RegExp(`^${field.replace(".", "\\.")}: `));
    }
  });

  it("checks contact attributes against the contact definitions, under a caller-chosen field name", async () => {
    await expect(validateAttributeValues(ctx(), "contact", { tier: "gold" })).resolves.toEqual({ tier: "gold" });
    await expect(
      validateAttributeValues(ctx(), "contact", { plan: "Pro" }, "contact.custom_attributes"),
    ).rejects.toThrow(/^contact\.custom_attributes\.plan: /);
  });

  it("never reads another workspace's definitions", async () => {
    await expect(
      validateAttributeValues({ db: t.database.db, tenantId: b.id }, "conversation", { sku: "ABC-1234" }),
    ).rejects.toThrow(/^custom_attributes\.sku: /);
  });
});
