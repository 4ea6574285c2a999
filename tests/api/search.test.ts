import { messages } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Client, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createMessage,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let assignedOnly: TestAgent;
let noContacts: TestAgent;
const conv: Record<string, { id: number; uuid: string; referenceNumber: number }> = {};

const READ = ["conversations:read", "messages:read"] as const;
const enc = encodeURIComponent;
const get = async (client: Client, path: string) => {
  const res = await client.get(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
};
const conversationsFor = (client: Client, q: string, extra = "") =>
  get(client, `/api/v1/conversations/search?q=${enc(q)}${extra}`);
const messagesFor = (client: Client, q: string, extra = "") =>
  get(client, `/api/v1/messages/search?q=${enc(q)}${extra}`);
const uuids = (rows: { uuid: string }[]) => rows.map((r) => r.uuid).sort();

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  assignedOnly = await createAgent(t, a, { permissions: [...READ, "conversations:read_assigned"] });
  noContacts = await createAgent(t, a, { permissions: [...READ, "conversations:read_all"] });
  const zelda = await createContact(t, a, { firstName: "Zelda", email: "zelda.quokka@example.org" });

  conv.kettle = await createConversation(t, a, {
    subject: "Refund for order",
    assignedUserId: assignedOnly.id,
    contactId: zelda.id,
  });
  await createMessage(t, a, conv.kettle.id, { text: "My kettle arrived broken, I want my money back" });
  const note = await createMessage(t, a, conv.kettle.id, {
    type: "outgoing",
    text: "Internal: customer is a marmalade fan",
  });
  await t.database.db.update(messages).set({ private: true }).where(eq(messages.id, note.id));
  await createMessage(t, a, conv.kettle.id, { type: "activity", text: "Assigned by gazebo rules" });

  conv.parcel = await createConversation(t, a, { subject: "Where is my <b>parcel</b>?" });
  await createMessage(t, a, conv.parcel.id, {
    text: "The parcel <script>alert(1)</script> & tracking 'quoted' 1<2 never came",
  });

  conv.secret = await createConversation(t, a, { subject: "Private matter", assignedUserId: a.adminId });
  await createMessage(t, a, conv.secret.id, { text: "Top secret pineapple recipe" });

  for (const [i, tags] of [[], ["vip"], []].entries()) {
    const c = await createConversation(t, a, {
      subject: `Batch ${i}`,
      tags,
      lastMessageAt: new Date(Date.UTC(2024, 0, 1 + i)),
    });
    await createMessage(t, a, c.id, { text: `Paginate me please, number ${i}` });
    conv[`batch${i}`] = c;
  }

  conv.other = await createConversation(t, b, { subject: "B pineapple subject" });
  await createMessage(t, b, conv.other.id, { text: "B pineapple kettle text" });
});
afterAll(() => t.close());

describe("conversation search", () => {
  it("finds a conversation by a word of one of its messages, with the match in <mark>", async () => {
    const page = await conversationsFor(a.admin, "kettle");
    expect(uuids(page.results)).toEqual([conv.kettle!.uuid]);
    expect(page.results[0].snippet).toContain("<mark>kettle</mark>");
    expect(page.results[0]).toMatchObject({
      reference_number: conv.kettle!.referenceNumber,
      subject: "Refund for order",
      status: "Open",
    });
    expect(page).toMatchObject({ total: 1, total_pages: 1, page: 1 });
  });

  it("finds by a prefix of a word", async () => {
    const page = await conversationsFor(a.admin, "kett");
    expect(uuids(page.results)).toEqual([conv.kettle!.uuid]);
    expect(page.results[0].snippet).toContain("<mark>kettle</mark>");
  });

  it("matches subjects case-insensitively and highlights them escaped", async () => {
    const page = await conversationsFor(a.admin, "PARCEL");
    expect(uuids(page.results)).toEqual([conv.parcel!.uuid]);
    expect(page.results[0].snippet).toBe("Where is my &lt;b&gt;<mark>parcel</mark>&lt;/b&gt;?");
  });

  it("matches the contact's name and email", async () => {
    expect(uuids((await conversationsFor(a.admin, "zelda")).results)).toEqual([conv.kettle!.uuid]);
    const byEmail = await conversationsFor(a.admin, "quokka@example");
    expect(uuids(byEmail.results)).toEqual([conv.kettle!.uuid]);
    expect(byEmail.results[0].snippet).toContain("<mark>quokka@example</mark>");
  });

  it("finds by reference number, with or without #", async () => {
    const ref = conv.parcel!.referenceNumber;
    // `7` alone is below the 2-character minimum; `07` is the same number.
    for (const q of [`#${ref}`, String(ref).padStart(2, "0")]) {
      const page = await conversationsFor(a.admin, q);
      expect(page.results[0].uuid).toBe(conv.parcel!.uuid);
    }
  });

  it("searches private notes but not activity messages", async () => {
    expect(uuids((await conversationsFor(a.admin, "marmalade")).results)).toEqual([conv.kettle!.uuid]);
    expect((await conversationsFor(a.admin, "gazebo")).results).toEqual([]);
  });

  it("paginates, newest first when relevance ties, one row per conversation", async () => {
    const first = await conversationsFor(a.admin, "paginate", "&page_size=2");
    expect(first).toMatchObject({ total: 3, total_pages: 2, page: 1, page_size: 2 });
    expect(first.results.map((r: { uuid: string }) => r.uuid)).toEqual([conv.batch2!.uuid, conv.batch1!.uuid]);
    const second = await conversationsFor(a.admin, "paginate", "&page_size=2&page=2");
    expect(second.results.map((r: { uuid: string }) => r.uuid)).toEqual([conv.batch0!.uuid]);
  });

  it("applies filters", async () => {
    const filters = enc(JSON.stringify([{ field: "tags", operator: "contains", value: "vip" }]));
    const page = await conversationsFor(a.admin, "paginate", `&filters=${filters}`);
    expect(uuids(page.results)).toEqual([conv.batch1!.uuid]);
    const bad = await a.admin.get(
      `/api/v1/conversations/search?q=paginate&filters=${enc('[{"field":"nope","operator":"=","value":1}]')}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.data.message).toMatch(/^filters\[0\]\.field/);
  });
});

describe("message search", () => {
  it("returns hits with safe snippets: only <mark> is markup", async () => {
    const page = await messagesFor(a.admin, "parcel");
    expect(page.total).toBe(1);
    const [hit] = page.results;
    expect(hit).toMatchObject({
      conversation_uuid: conv.parcel!.uuid,
      reference_number: conv.parcel!.referenceNumber,
      type: "incoming",
      private: false,
    });
    expect(hit.snippet).toContain("<mark>parcel</mark>");
    expect(hit.snippet).not.toContain("<script");
    expect(hit.snippet).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; tracking &#39;quoted&#39; 1&lt;2");
    expect(hit.snippet.replace(/<\/?mark>/g, "")).not.toMatch(/[<>]/);
  });

  it("includes private notes and excludes activity", async () => {
    const notes = await messagesFor(a.admin, "marmalade");
    expect(notes.results.map((r: { private: boolean }) => r.private)).toEqual([true]);
    expect((await messagesFor(a.admin, "gazebo")).total).toBe(0);
  });

  it("can be scoped to one conversation; an invisible one is 404", async () => {
    expect((await messagesFor(a.admin, "paginate", `&conversation_uuid=${conv.batch1!.uuid}`)).total).toBe(1);
    expect(
      (await assignedOnly.client.get(`/api/v1/messages/search?q=recipe&conversation_uuid=${conv.secret!.uuid}`)).status,
    ).toBe(404);
    expect((await a.admin.get(`/api/v1/messages/search?q=recipe&conversation_uuid=${conv.other!.uuid}`)).status).toBe(
      404,
    );
  });

  it("paginates", async () => {
    const page = await messagesFor(a.admin, "paginate", "&page_size=2&page=2");
    expect(page).toMatchObject({ total: 3, total_pages: 2, page: 2, page_size: 2 });
    expect(page.results).toHaveLength(1);
  });
});

describe("unified search", () => {
  it("returns the three categories", async () => {
    const data = await get(a.admin, "/api/v1/search?q=zelda");
    expect(uuids(data.conversations)).toEqual([conv.kettle!.uuid]);
    expect(data.messages).toEqual([]);
    expect(data.contacts.map((c: { email: string }) => c.email)).toEqual(["zelda.quokka@example.org"]);
  });

  it("limits each category", async () => {
    const data = await get(a.admin, "/api/v1/search?q=paginate&limit=2");
    expect(data.conversations).toHaveLength(2);
    expect(data.messages).toHaveLength(2);
    expect((await a.admin.get("/api/v1/search?q=paginate&limit=51")).status).toBe(400);
  });

  it("leaves contacts empty without contacts:read", async () => {
    const data = await get(noContacts.client, "/api/v1/search?q=zelda");
    expect(uuids(data.conversations)).toEqual([conv.kettle!.uuid]);
    expect(data.contacts).toEqual([]);
  });
});

describe("query rules", () => {
  it("needs at least 2 characters after trimming, at most 200", async () => {
    for (const path of ["/api/v1/search", "/api/v1/conversations/search", "/api/v1/messages/search"]) {
      for (const q of ["", "?q=a", `?q=${enc("  a  ")}`, `?q=${"x".repeat(201)}`]) {
        const res = await a.admin.get(`${path}${q.startsWith("?") ? q : ""}`);
        expect(res.status, `${path}${q}`).toBe(400);
        expect(res.body.data).toMatchObject({ type: "InputError" });
        expect(res.body.data.message).toMatch(/^q: /);
      }
    }
    expect((await a.admin.get(`/api/v1/search?q=${"x".repeat(200)}`)).status).toBe(200);
  });

  it("treats tsquery and LIKE syntax as text", async () => {
    const attempts = [
      "a & b | !c",
      "''",
      "o'brien",
      ":*",
      "\\\\",
      "\\",
      "%_",
      "(a",
      "kettle:*",
      "<->",
      "!!",
      '"unbalanced',
      "-kettle",
      "kettle or",
      "'; DROP TABLE messages; --",
      "\u0001\u0002",
    ];
    for (const q of attempts) {
      for (const path of ["/api/v1/search", "/api/v1/conversations/search", "/api/v1/messages/search"]) {
        const res = await a.admin.get(`${path}?q=${enc(q)}`);
        expect(res.status, `${path} ${q}`).toBe(q.trim().length < 2 ? 400 : 200);
      }
    }
    // LIKE wildcards match literally, not everything.
    expect((await conversationsFor(a.admin, "%_")).results).toEqual([]);
    // Still there.
    expect((await messagesFor(a.admin, "kettle")).total).toBe(1);
  });
});

describe("visibility and tenancy", () => {
  it("an agent with only read_assigned never sees others' conversations or their messages", async () => {
    expect(uuids((await conversationsFor(assignedOnly.client, "kettle")).results)).toEqual([conv.kettle!.uuid]);
    expect((await conversationsFor(assignedOnly.client, "pineapple")).results).toEqual([]);
    expect((await messagesFor(assignedOnly.client, "pineapple")).total).toBe(0);
    expect((await conversationsFor(assignedOnly.client, "paginate")).total).toBe(0);
    const unified = await get(assignedOnly.client, "/api/v1/search?q=pineapple");
    expect([unified.conversations, unified.messages]).toEqual([[], []]);
    expect((await conversationsFor(assignedOnly.client, `#${conv.secret!.referenceNumber}`)).results).toEqual([]);
  });

  it("another workspace's conversations and messages never appear", async () => {
    const convs = await conversationsFor(a.admin, "pineapple");
    expect(uuids(convs.results)).toEqual([conv.secret!.uuid]);
    const msgs = await messagesFor(a.admin, "pineapple");
    expect(msgs.results.map((m: { conversation_uuid: string }) => m.conversation_uuid)).toEqual([conv.secret!.uuid]);
    const unified = await get(a.admin, "/api/v1/search?q=pineapple");
    expect(JSON.stringify(unified)).not.toContain("B pineapple");
    expect((await conversationsFor(b.admin, "kettle")).results.map((r: { subject: string }) => r.subject)).toEqual([
      "B pineapple subject",
    ]);
  });

  it("needs conversations:read, or messages:read for message search", async () => {
    const none = await createAgent(t, a, { permissions: [] });
    expect((await none.client.get("/api/v1/search?q=kettle")).status).toBe(403);
    expect((await none.client.get("/api/v1/conversations/search?q=kettle")).status).toBe(403);
    expect((await none.client.get("/api/v1/messages/search?q=kettle")).status).toBe(403);
    expect((await a.anonymous.get("/api/v1/search?q=kettle")).status).toBe(401);
  });

  it("finds a message as soon as it is written", async () => {
    await createMessage(t, a, conv.batch0!.id, { text: "freshly written xylophone" });
    expect((await messagesFor(a.admin, "xylophone")).total).toBe(1);
  });
});
