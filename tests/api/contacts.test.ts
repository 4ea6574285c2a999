import { contactChannels, customAttributes, users } from "@helperiq/core/schema";
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
let reader: TestAgent; // contacts:read only
let writer: TestAgent; // contacts:read + write
let noteTaker: TestAgent; // notes read/write, no delete
let noteAdmin: TestAgent; // notes read + delete
let assignee: TestAgent; // contacts:read + conversations:read_assigned
let zoe: { id: number };
let yuri: { id: number };
let bContact: { id: number };

const ids = (res: { body: any }) => res.body.data.results.map((r: { id: number }) => r.id);

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  reader = await createAgent(t, a, { permissions: ["contacts:read"] });
  writer = await createAgent(t, a, { permissions: ["contacts:read", "contacts:write"] });
  noteTaker = await createAgent(t, a, { permissions: ["contact_notes:read", "contact_notes:write"] });
  noteAdmin = await createAgent(t, a, { permissions: ["contact_notes:read", "contact_notes:delete"] });
  assignee = await createAgent(t, a, { permissions: ["contacts:read", "conversations:read_assigned"] });
  zoe = await createContact(t, a, { email: "zoe@example.org", firstName: "Zoe" });
  yuri = await createContact(t, a, { email: "yuri@example.org", firstName: "Yuri" });
  bContact = await createContact(t, b, { email: "zoe@example.org", firstName: "Bea" });
  await t.database.db.insert(customAttributes).values([
    { tenantId: a.id, appliesTo: "contact", key: "tier", name: "Tier", type: "list", values: ["gold", "silver"] },
    { tenantId: a.id, appliesTo: "contact", key: "seats", name: "Seats", type: "number" },
  ]);
});
afterAll(() => t.close());

describe("GET /api/v1/contacts/:id", () => {
  it("returns the contact view with its channels", async () => {
    await t.database.db
      .insert(contactChannels)
      .values({ tenantId: a.id, contactId: yuri.id, kind: "phone", value: "+44 20 7946 0000" });
    const res = await reader.client.get(`/api/v1/contacts/${yuri.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: yuri.id,
      first_name: "Yuri",
      last_name: "Customer",
      email: "yuri@example.org",
      phone: null,
      avatar_url: null,
      blocked: false,
      custom_attributes: {},
      channels: [{ kind: "phone", value: "+44 20 7946 0000" }],
    });
    expect(res.body.data.created_at).toMatch(/Z$/);
  });

  it("is 404 for agents, other workspaces' contacts and unknown ids; 403 without contacts:read; 401 anonymous", async () => {
    expect((await a.admin.get(`/api/v1/contacts/${a.adminId}`)).status).toBe(404);
    expect((await a.admin.get(`/api/v1/contacts/${reader.id}`)).status).toBe(404);
    expect((await a.admin.get(`/api/v1/contacts/${bContact.id}`)).status).toBe(404);
    expect((await a.admin.get("/api/v1/contacts/999999999")).status).toBe(404);
    expect((await noteTaker.client.get(`/api/v1/contacts/${zoe.id}`)).status).toBe(403);
    expect((await a.anonymous.get(`/api/v1/contacts/${zoe.id}`)).status).toBe(401);
  });
});

describe("POST /api/v1/contacts/quick", () => {
  it("creates a contact with an email or a phone", async () => {
    const res = await writer.client.post("/api/v1/contacts/quick", { first_name: "Quinn", email: "Quinn@Example.org" });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      first_name: "Quinn",
      last_name: "",
      email: "quinn@example.org",
      channels: [],
    });
    const byPhone = await writer.client.post("/api/v1/contacts/quick", { first_name: "Pat", phone: "+1 555 0100" });
    expect(byPhone.status).toBe(201);
    expect(byPhone.body.data.phone).toBe("+1 555 0100");
  });

  it("needs an email or a phone and rejects a duplicate email case-insensitively", async () => {
    const none = await writer.client.post("/api/v1/contacts/quick", { first_name: "Nobody" });
    expect(none.status).toBe(400);
    expect(none.body.data.message).toMatch(/^email: /);
    const dup = await writer.client.post("/api/v1/contacts/quick", { first_name: "Zed", email: "ZOE@example.org" });
    expect(dup.status).toBe(400);
    expect(dup.body.data).toEqual({ type: "InputError", message: expect.stringMatching(/^email: /) });
  });

  it("is 403 without contacts:write and 401 anonymous", async () => {
    expect(
      (await reader.client.post("/api/v1/contacts/quick", { first_name: "X", email: "x@example.org" })).status,
    ).toBe(403);
    expect((await a.anonymous.post("/api/v1/contacts/quick", { first_name: "X", email: "x@example.org" })).status).toBe(
      401,
    );
  });
});

describe("PUT /api/v1/contacts/:id", () => {
  it("updates fields, merges custom attributes and replaces channels", async () => {
    const c = await createContact(t, a, { email: "upd@example.org" });
    const first = await writer.client.put(`/api/v1/contacts/${c.id}`, {
      first_name: "Una",
      phone: "+1 555 0199",
      avatar_url: "https://cdn.example.org/una.png",
      custom_attributes: { tier: "gold", seats: 5 },
      channels: [
        { kind: "email", value: "Una.Work@Example.org" },
        { kind: "phone", value: "+1 555 0198" },
      ],
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({
      first_name: "Una",
      phone: "+1 555 0199",
      avatar_url: "https://cdn.example.org/una.png",
      custom_attributes: { tier: "gold", seats: 5 },
      channels: [
        { kind: "email", value: "una.work@example.org" },
        { kind: "phone", value: "+1 555 0198" },
      ],
    });
    const second = await writer.client.put(`/api/v1/contacts/${c.id}`, {
      custom_attributes: { seats: null, tier: "silver" },
      channels: [{ kind: "email", value: "una@home.example" }],
    });
    expect(second.status).toBe(200);
    expect(second.body.data.custom_attributes).toEqual({ tier: "silver" });
    expect(second.body.data.channels).toEqual([{ id: expect.any(Number), kind: "email", value: "una@home.example" }]);
    expect(second.body.data.first_name).toBe("Una");
  });

  it("rejects another contact's email (any case) and addresses owned by other contacts", async () => {
    const c = await createContact(t, a, { email: "mine@example.org" });
    const dup = await writer.client.put(`/api/v1/contacts/${c.id}`, { email: "Zoe@EXAMPLE.org" });
    expect(dup.status).toBe(400);
    expect(dup.body.data.message).toMatch(/^email: /);
    // Keeping one's own email, whatever its case, is no conflict.
    expect((await writer.client.put(`/api/v1/contacts/${c.id}`, { email: "MINE@example.org" })).status).toBe(200);
    const primary = await writer.client.put(`/api/v1/contacts/${c.id}`, {
      channels: [{ kind: "email", value: "yuri@example.org" }],
    });
    expect(primary.status).toBe(400);
    expect(primary.body.data.message).toMatch(/^channels\[0\]\.value: /);
    const channel = await writer.client.put(`/api/v1/contacts/${c.id}`, {
      channels: [
        { kind: "phone", value: "+1 555 0123" },
        { kind: "phone", value: "+44 20 7946 0000" },
      ],
    });
    expect(channel.status).toBe(400);
    expect(channel.body.data.message).toMatch(/^channels\[1\]\.value: /);
    const ownChannel = await writer.client.put(`/api/v1/contacts/${yuri.id}`, { email: "una@home.example" });
    expect(ownChannel.status).toBe(400);
    expect(ownChannel.body.data.message).toMatch(/^email: /);
  });

  it("validates custom attributes against the workspace's contact attributes", async () => {
    const bad = await writer.client.put(`/api/v1/contacts/${zoe.id}`, { custom_attributes: { tier: "bronze" } });
    expect(bad.status).toBe(400);
    expect(bad.body.data.message).toMatch(/^custom_attributes\.tier: /);
    expect((await writer.client.put(`/api/v1/contacts/${zoe.id}`, { custom_attributes: { nope: 1 } })).status).toBe(
      400,
    );
    expect((await writer.client.put(`/api/v1/contacts/${zoe.id}`, { email: "not an email" })).status).toBe(400);
    expect((await writer.client.put(`/api/v1/contacts/${zoe.id}`, {})).status).toBe(400);
  });

  it("is 404 for other workspaces and agents, 403 without contacts:write", async () => {
    expect((await a.admin.put(`/api/v1/contacts/${bContact.id}`, { first_name: "Hacked" })).status).toBe(404);
    expect((await a.admin.put(`/api/v1/contacts/${reader.id}`, { first_name: "Hacked" })).status).toBe(404);
    expect((await reader.client.put(`/api/v1/contacts/${zoe.id}`, { first_name: "Hacked" })).status).toBe(403);
    expect((await a.anonymous.put(`/api/v1/contacts/${zoe.id}`, { first_name: "Hacked" })).status).toBe(401);
    expect((await b.admin.get(`/api/v1/contacts/${bContact.id}`)).body.data.first_name).toBe("Bea");
  });
});

describe("PUT /api/v1/contacts/:id/block", () => {
  it("blocks and unblocks with contacts:block only", async () => {
    const c = await createContact(t, a);
    expect((await writer.client.put(`/api/v1/contacts/${c.id}/block`, { blocked: true })).status).toBe(403);
    expect((await a.admin.put(`/api/v1/contacts/${c.id}/block`, { blocked: "yes" })).status).toBe(400);
    expect((await a.admin.put(`/api/v1/contacts/${bContact.id}/block`, { blocked: true })).status).toBe(404);
    const res = await a.admin.put(`/api/v1/contacts/${c.id}/block`, { blocked: true });
    expect(res.status).toBe(200);
    expect(res.body.data.blocked).toBe(true);
    const blocked = await a.admin.get(
      `/api/v1/contacts?filters=${encodeURIComponent('[{"field":"blocked","operator":"=","value":true}]')}`,
    );
    expect(ids(blocked)).toEqual([c.id]);
    expect((await a.admin.put(`/api/v1/contacts/${c.id}/block`, { blocked: false })).body.data.blocked).toBe(false);
  });
});

describe("GET /api/v1/contacts", () => {
  const filtered = (filters: unknown, extra = "") =>
    a.admin.get(`/api/v1/contacts?filters=${encodeURIComponent(JSON.stringify(filters))}${extra}`);

  it("lists the workspace's contacts only, paginated and sorted", async () => {
    const all = await a.admin.get("/api/v1/contacts?page_size=100");
    expect(all.status).toBe(200);
    expect(ids(all)).toContain(zoe.id);
    expect(ids(all)).not.toContain(bContact.id);
    expect(ids(all)).not.toContain(a.adminId);
    const total = all.body.data.total;
    const page2 = await a.admin.get("/api/v1/contacts?page=2&page_size=2&order_by=first_name&order=asc");
    expect(page2.body.data).toMatchObject({ page: 2, page_size: 2, total, total_pages: Math.ceil(total / 2) });
    expect(page2.body.data.results).toHaveLength(2);
    const byName = await a.admin.get("/api/v1/contacts?page_size=100&order_by=first_name&order=asc");
    const names = byName.body.data.results.map((r: { first_name: string }) => r.first_name);
    expect(names).toEqual([...names].sort((x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)));
    expect((await a.admin.get("/api/v1/contacts?order_by=password_hash")).status).toBe(400);
  });

  it("filters on allow-listed fields and custom attributes", async () => {
    const f = await createContact(t, a, { email: "filter-me@example.org", firstName: "Filtered" });
    await t.database.db
      .update(users)
      .set({ customAttributes: { tier: "gold" }, phone: "+49 30 1234" })
      .where(eq(users.id, f.id));
    expect(ids(await filtered([{ field: "email", operator: "contains", value: "FILTER-ME" }]))).toEqual([f.id]);
    expect(ids(await filtered([{ field: "first_name", operator: "=", value: "Filtered" }]))).toEqual([f.id]);
    expect(
      ids(
        await filtered([
          { field: "custom_attributes.tier", operator: "=", value: "gold" },
          { field: "phone", operator: "set" },
        ]),
      ),
    ).toEqual([f.id]);
    expect(
      ids(
        await filtered(
          [{ field: "created_at", operator: "greater than", value: "2000-01-01T00:00:00Z" }],
          "&page_size=100",
        ),
      ),
    ).toContain(f.id);
    const unknown = await filtered([{ field: "password_hash", operator: "set" }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.data.message).toMatch(/^filters\[0\]\.field: /);
    expect((await filtered([{ field: "blocked", operator: "contains", value: "x" }])).status).toBe(400);
  });

  it("needs contacts:read_all", async () => {
    expect((await reader.client.get("/api/v1/contacts")).status).toBe(403);
    expect((await a.anonymous.get("/api/v1/contacts")).status).toBe(401);
  });
});

describe("GET /api/v1/contacts/search", () => {
  it("needs at least 2 characters", async () => {
    const res = await reader.client.get("/api/v1/contacts/search?q=z");
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/^q: /);
    expect((await reader.client.get("/api/v1/contacts/search")).status).toBe(400);
  });

  it("matches name, email, phone and channels case-insensitively, exact email first", async () => {
    const exact = await createContact(t, a, { email: "sam@acme.example", firstName: "Zack" });
    const partial = await createContact(t, a, { email: "sam@acme.example.net", firstName: "Aaron" });
    const named = await createContact(t, a, { email: "other@example.org", firstName: "Samantha" });
    const res = await reader.client.get("/api/v1/contacts/search?q=SAM@acme.example");
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { id: number }) => r.id)).toEqual([exact.id, partial.id]);
    const byName = (await reader.client.get("/api/v1/contacts/search?q=samanth")).body.data.map(
      (r: { id: number }) => r.id,
    );
    expect(byName).toEqual([named.id]);
    const byChannel = await reader.client.get(`/api/v1/contacts/search?q=${encodeURIComponent("7946 0000")}`);
    expect(byChannel.body.data.map((r: { id: number }) => r.id)).toEqual([yuri.id]);
  });

  it("treats % and _ literally, caps at 20 results and stays in the workspace", async () => {
    expect((await reader.client.get("/api/v1/contacts/search?q=%25%25")).body.data).toEqual([]);
    expect((await reader.client.get("/api/v1/contacts/search?q=__")).body.data).toEqual([]);
    for (let i = 0; i < 22; i++) await createContact(t, a, { email: `bulk${i}@many.example`, firstName: "Bulk" });
    expect((await reader.client.get("/api/v1/contacts/search?q=many.example")).body.data).toHaveLength(20);
    const bea = await reader.client.get("/api/v1/contacts/search?q=bea");
    expect(bea.body.data).toEqual([]);
    // Agents are users too, but never contacts.
    expect((await reader.client.get("/api/v1/contacts/search?q=ada")).body.data).toEqual([]);
  });

  it("needs contacts:read", async () => {
    expect((await noteTaker.client.get("/api/v1/contacts/search?q=zoe")).status).toBe(403);
    expect((await a.anonymous.get("/api/v1/contacts/search?q=zoe")).status).toBe(401);
  });
});

describe("GET /api/v1/contacts/:id/conversations", () => {
  it("lists the contact's conversations the caller may see, paginated", async () => {
    const c = await createContact(t, a);
    await createConversation(t, a, { contactId: c.id, subject: "mine", assignedUserId: assignee.id });
    await createConversation(t, a, { contactId: c.id, subject: "someone else's", assignedUserId: writer.id });
    await createConversation(t, a, { contactId: c.id, subject: "unassigned" });
    await createConversation(t, a, { subject: "another contact", assignedUserId: assignee.id });
    const subjects = (res: { body: any }) => res.body.data.results.map((r: { subject: string }) => r.subject).sort();
    const all = await a.admin.get(`/api/v1/contacts/${c.id}/conversations?page_size=2`);
    expect(all.status).toBe(200);
    expect(all.body.data).toMatchObject({ total: 3, total_pages: 2, page: 1, page_size: 2 });
    expect(subjects(await a.admin.get(`/api/v1/contacts/${c.id}/conversations`))).toEqual([
      "mine",
      "someone else's",
      "unassigned",
    ]);
    expect(subjects(await assignee.client.get(`/api/v1/contacts/${c.id}/conversations`))).toEqual(["mine"]);
    expect((await a.admin.get(`/api/v1/contacts/${bContact.id}/conversations`)).status).toBe(404);
    expect((await noteTaker.client.get(`/api/v1/contacts/${c.id}/conversations`)).status).toBe(403);
  });
});

describe("contact notes", () => {
  const notesOf = (id: number) => `/api/v1/contacts/${id}/notes`;

  it("adds and lists notes as plain text, newest first (POST, GET /api/v1/contacts/:id/notes)", async () => {
    const first = await noteTaker.client.post(notesOf(zoe.id), { note: "Prefers <b>email</b>" });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({
      note: "Prefers <b>email</b>",
      user: { id: noteTaker.id, first_name: "Agent", last_name: "Smith" },
    });
    t.clock.advance(1000);
    const second = await noteTaker.client.post(notesOf(zoe.id), { note: "Called on Monday" });
    const list = await noteTaker.client.get(notesOf(zoe.id));
    expect(list.status).toBe(200);
    expect(list.body.data.map((n: { id: number }) => n.id).slice(0, 2)).toEqual([
      second.body.data.id,
      first.body.data.id,
    ]);
  });

  it("validates the note and the permissions", async () => {
    expect((await noteTaker.client.post(notesOf(zoe.id), { note: "" })).status).toBe(400);
    expect((await noteTaker.client.post(notesOf(zoe.id), { note: "x".repeat(5001) })).status).toBe(400);
    expect((await noteTaker.client.post(notesOf(zoe.id), { note: "x".repeat(5000) })).status).toBe(201);
    expect((await noteAdmin.client.post(notesOf(zoe.id), { note: "hi" })).status).toBe(403);
    expect((await reader.client.get(notesOf(zoe.id))).status).toBe(403);
    expect((await a.anonymous.get(notesOf(zoe.id))).status).toBe(401);
    expect((await a.admin.get(notesOf(bContact.id))).status).toBe(404);
    expect((await a.admin.post(notesOf(bContact.id), { note: "hi" })).status).toBe(404);
    expect((await a.admin.get(notesOf(writer.id))).status).toBe(404);
  });

  it("lets the author or contact_notes:delete delete a note (DELETE /api/v1/contacts/:id/notes/:note_id); others get 403; another contact's note is 404", async () => {
    const mine = (await noteTaker.client.post(notesOf(zoe.id), { note: "mine" })).body.data.id;
    const theirs = (await noteTaker.client.post(notesOf(zoe.id), { note: "theirs" })).body.data.id;
    const other = await createAgent(t, a, { permissions: ["contact_notes:read", "contact_notes:write"] });
    expect((await other.client.delete(`${notesOf(zoe.id)}/${mine}`)).status).toBe(403);
    expect((await noteTaker.client.delete(`${notesOf(yuri.id)}/${mine}`)).status).toBe(404);
    expect((await noteTaker.client.delete(`${notesOf(bContact.id)}/${mine}`)).status).toBe(404);
    expect((await a.anonymous.delete(`${notesOf(zoe.id)}/${mine}`)).status).toBe(401);
    expect((await noteTaker.client.delete(`${notesOf(zoe.id)}/${mine}`)).status).toBe(200);
    expect((await noteAdmin.client.delete(`${notesOf(zoe.id)}/${theirs}`)).status).toBe(200);
    const left = (await noteTaker.client.get(notesOf(zoe.id))).body.data.map((n: { id: number }) => n.id);
    expect(left).not.toContain(mine);
    expect(left).not.toContain(theirs);
    expect((await noteTaker.client.delete(`${notesOf(zoe.id)}/${mine}`)).status).toBe(404);
  });
});
