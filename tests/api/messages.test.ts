import { conversations, inboxes, media, messages, users } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createInbox,
  createMessage,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let writer: TestAgent;
let otherWriter: TestAgent;
let readOnly: TestAgent;
let noMessages: TestAgent;
let assignedOnly: TestAgent;
let conv: { id: number; uuid: string; referenceNumber: number };
let convB: { id: number; uuid: string };

const ALL = [
  "conversations:read",
  "conversations:read_all",
  "conversations:write",
  "messages:read",
  "messages:write",
] as const;
const path = (uuid: string) => `/api/v1/conversations/${uuid}/messages`;
const eventsOf = (uuid: string) => t.published.filter((e) => "conversationUuid" in e && e.conversationUuid === uuid);

/** An unattached upload, by `uploadedBy` (the writer unless said otherwise). */
async function upload(tenant: TestTenant, filename = "a.pdf", uploadedBy: number | null = writer.id) {
  const [row] = await t.database.db
    .insert(media)
    .values({
      tenantId: tenant.id,
      filename,
      contentType: "application/pdf",
      size: 1234,
      storageKey: `${tenant.id}/${filename}`,
      uploadedBy,
    })
    .returning();
  return row!;
}

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  writer = await createAgent(t, a, { permissions: [...ALL], firstName: "Wendy" });
  otherWriter = await createAgent(t, a, { permissions: [...ALL] });
  readOnly = await createAgent(t, a, { permissions: ["conversations:read_all", "messages:read"] });
  noMessages = await createAgent(t, a, { permissions: ["conversations:read_all", "conversations:read"] });
  assignedOnly = await createAgent(t, a, {
    permissions: ["conversations:read_assigned", "messages:read", "messages:write"],
  });
  conv = await createConversation(t, a, { subject: "Refund" });
  convB = await createConversation(t, b, { subject: "B only" });
});
afterAll(() => t.close());

describe("GET /api/v1/conversations/:uuid/messages", () => {
  let listed: { id: number; uuid: string };
  const times = (n: number) => new Date(Date.UTC(2030, 0, 1, 0, n));

  beforeAll(async () => {
    listed = await createConversation(t, a, { subject: "listed" });
    await createMessage(t, a, listed.id, { type: "incoming", text: "first", createdAt: times(1) });
    await createMessage(t, a, listed.id, { type: "outgoing", text: "second", createdAt: times(2) });
    await createMessage(t, a, listed.id, { type: "activity", text: "third", createdAt: times(3) });
    await createMessage(t, a, listed.id, { type: "incoming", text: "fourth", createdAt: times(4) });
    await t.database.db.update(messages).set({ private: true }).where(eq(messages.textContent, "second"));
  });

  it("pages newest first with the message view", async () => {
    const res = await readOnly.client.get(`${path(listed.uuid)}?page_size=3`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ total: 4, total_pages: 2, page: 1, page_size: 3 });
    expect(res.body.data.results.map((m: { text_content: string }) => m.text_content)).toEqual([
      "fourth",
      "third",
      "second",
    ]);
    const page2 = await readOnly.client.get(`${path(listed.uuid)}?page_size=3&page=2`);
    expect(page2.body.data.results.map((m: { text_content: string }) => m.text_content)).toEqual(["first"]);
    expect(Object.keys(res.body.data.results[0]).sort()).toEqual(
      [
        "id",
        "uuid",
        "conversation_uuid",
        "type",
        "status",
        "private",
        "content_type",
        "content",
        "text_content",
        "sender_id",
        "sender_type",
        "created_at",
        "attachments",
        "meta",
      ].sort(),
    );
    expect(res.body.data.results[0]).toMatchObject({
      conversation_uuid: listed.uuid,
      type: "incoming",
      status: "received",
      private: false,
      content_type: "html",
      content: "<p>fourth</p>",
      sender_type: "contact",
      created_at: times(4).toISOString(),
      attachments: [],
      meta: {},
    });
  });

  it("filters by types and private", async () => {
    const texts = async (query: string) =>
      (await readOnly.client.get(`${path(listed.uuid)}?${query}`)).body.data.results.map(
        (m: { text_content: string }) => m.text_content,
      );
    expect(await texts("types=incoming")).toEqual(["fourth", "first"]);
    expect(await texts("types=incoming,activity")).toEqual(["fourth", "third", "first"]);
    expect(await texts("private=true")).toEqual(["second"]);
    expect(await texts("private=false&types=outgoing")).toEqual([]);
  });

  it("rejects bad queries", async () => {
    expect((await readOnly.client.get(`${path(listed.uuid)}?types=incoming,email`)).status).toBe(400);
    expect((await readOnly.client.get(`${path(listed.uuid)}?private=yes`)).body.data.message).toMatch(/^private:/);
    expect((await readOnly.client.get(`${path(listed.uuid)}?page_size=101`)).status).toBe(400);
    expect((await readOnly.client.get(path("not-a-uuid"))).status).toBe(400);
  });

  it("needs messages:read and a visible conversation of the workspace", async () => {
    expect((await noMessages.client.get(path(listed.uuid))).status).toBe(403);
    expect((await a.anonymous.get(path(listed.uuid))).status).toBe(401);
    expect((await assignedOnly.client.get(path(listed.uuid))).status).toBe(404);
    expect((await a.admin.get(path(convB.uuid))).status).toBe(404);
  });

  it("GET one message; 404 through another conversation or workspace", async () => {
    const first = (await readOnly.client.get(path(listed.uuid))).body.data.results[0];
    const one = await readOnly.client.get(`${path(listed.uuid)}/${first.uuid}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual(first);
    expect((await readOnly.client.get(`${path(conv.uuid)}/${first.uuid}`)).status).toBe(404);
    expect((await assignedOnly.client.get(`${path(listed.uuid)}/${first.uuid}`)).status).toBe(404);
    expect((await noMessages.client.get(`${path(listed.uuid)}/${first.uuid}`)).status).toBe(403);
    const bMessage = await createMessage(t, b, convB.id);
    expect((await a.admin.get(`${path(convB.uuid)}/${bMessage.uuid}`)).status).toBe(404);
    expect((await a.admin.get(`${path(listed.uuid)}/${bMessage.uuid}`)).status).toBe(404);
  });
});

describe("POST /api/v1/conversations/:uuid/messages", () => {
  it("adds a private note, sent at once, sanitised, and moves the last message", async () => {
    const before = t.published.length;
    const res = await writer.client.post(path(conv.uuid), {
      message: `<p onclick="x()">Check <b>this</b> &amp; that<script>alert(1)</script><a href="javascript:alert(1)">link</a></p>`,
      private: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      conversation_uuid: conv.uuid,
      type: "outgoing",
      status: "sent",
      private: true,
      content_type: "html",
      content: `<p>Check <b>this</b> &amp; that<a rel="noopener noreferrer">link</a></p>`,
      text_content: "Check this & thatlink",
      sender_id: writer.id,
      sender_type: "agent",
      attachments: [],
      meta: {},
    });
    const [stored] = await t.database.db.select().from(messages).where(eq(messages.uuid, res.body.data.uuid));
    expect(stored!.content).not.toContain("script");
    const detail = (await writer.client.get(`/api/v1/conversations/${conv.uuid}`)).body.data;
    expect(detail.last_message).toBe("Check this & thatlink");
    expect(detail.first_reply_at).toBeNull();
    const published = t.published.slice(before);
    expect(published).toEqual([
      { type: "new_message", tenantId: a.id, conversationUuid: conv.uuid, messageUuid: res.body.data.uuid },
      {
        type: "conversation_update",
        tenantId: a.id,
        conversationUuid: conv.uuid,
        changes: {
          last_message: "Check this & thatlink",
          last_message_at: t.clock.now().toISOString(),
          last_message_sender_type: "agent",
        },
      },
    ]);
  });

  it("stores a public reply pending delivery with its recipients, clearing waiting_since and setting first_reply_at", async () => {
    const c = await createConversation(t, a, { subject: "reply" });
    await t.database.db
      .update(conversations)
      .set({ waitingSince: new Date("2030-01-01T00:00:00Z") })
      .where(eq(conversations.id, c.id));
    const [contact] = await t.database.db.select({ email: users.email }).from(users).where(eq(users.id, c.contactId));
    const long = "word ".repeat(100);
    const res = await writer.client.post(path(c.uuid), {
      message: `<p>${long}</p>`,
      cc: ["boss@example.org"],
      set_status: "Resolved",
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ type: "outgoing", status: "pending", private: false });
    expect(res.body.data.meta).toEqual({
      to: [contact!.email],
      cc: ["boss@example.org"],
      bcc: [],
      set_status: "Resolved",
      pending_delivery: true,
    });
    const detail = (await writer.client.get(`/api/v1/conversations/${c.uuid}`)).body.data;
    const now = t.clock.now().toISOString();
    expect(detail).toMatchObject({
      waiting_since: null,
      first_reply_at: now,
      last_interaction_at: now,
      last_message_at: now,
      status: "Open",
    });
    expect(detail.last_message.length).toBeLessThanOrEqual(200);
    const update = eventsOf(c.uuid).find((e) => e.type === "conversation_update");
    expect(update).toMatchObject({ changes: { waiting_since: null, first_reply_at: now, last_interaction_at: now } });
    // A second reply keeps the first reply time.
    t.clock.advance(60_000);
    await writer.client.post(path(c.uuid), {
      message: "again",
      to: ["x@example.org"],
      bcc: ["y@example.org"],
      from: "Support <SUPPORT@example.com>",
    });
    expect((await writer.client.get(`/api/v1/conversations/${c.uuid}`)).body.data.first_reply_at).toBe(now);
    const [latest] = (await writer.client.get(path(c.uuid))).body.data.results;
    expect(latest.meta).toMatchObject({
      to: ["x@example.org"],
      bcc: ["y@example.org"],
      from: "Support <SUPPORT@example.com>",
    });
  });

  it("rejects invalid bodies, naming the field", async () => {
    const send = async (body: unknown) => (await writer.client.post(path(conv.uuid), body)).body.data.message as string;
    expect(await send({})).toMatch(/^message: required/);
    expect(await send({ message: "<script>only()</script>" })).toMatch(/^message: required/);
    expect(await send({ message: "x", to: ["not-an-email"] })).toMatch(/^to\[0\]/);
    expect(await send({ message: "x", cc: Array.from({ length: 51 }, (_, i) => `u${i}@example.org`) })).toMatch(/^cc:/);
    expect(await send({ message: "x", private: true, set_status: "Resolved" })).toMatch(/^set_status:/);
    expect(await send({ message: "x", set_status: "Nope" })).toMatch(/^set_status: no status "Nope"/);
    expect(await send({ message: "x", private: true, forwarded_to: ["a@example.org"] })).toMatch(/^forwarded_to:/);
    expect(await send({ message: "x", from: "someone@else.example" })).toMatch(/^from:/);
  });

  it("attaches uploads of the workspace that no message holds yet", async () => {
    const file = await upload(a, "invoice.pdf");
    const theirs = await upload(b, "theirs.pdf", null);
    const res = await writer.client.post(path(conv.uuid), { attachments: [{ media_uuid: file.uuid }], private: true });
    expect(res.status).toBe(201);
    expect(res.body.data.attachments).toEqual([
      // A signed URL (tests/api/media.test.ts checks that it serves the file).
      {
        uuid: file.uuid,
        filename: "invoice.pdf",
        content_type: "application/pdf",
        size: 1234,
        url: expect.stringContaining(`/uploads/${file.uuid}?exp=`),
      },
    ]);
    const again = await writer.client.post(path(conv.uuid), { message: "x", attachments: [{ media_uuid: file.uuid }] });
    expect(again.status).toBe(400);
    expect(again.body.data.message).toMatch(/^attachments\[0\]\.media_uuid:/);
    const fresh = await upload(a);
    const foreign = await writer.client.post(path(conv.uuid), {
      message: "x",
      attachments: [{ media_uuid: fresh.uuid }, { media_uuid: theirs.uuid }],
    });
    expect(foreign.body.data.message).toMatch(/^attachments\[1\]\.media_uuid:/);
    const [untouched] = await t.database.db.select().from(media).where(eq(media.id, theirs.id));
    expect(untouched!.messageId).toBeNull();
    // A colleague's unattached upload is theirs alone until they send it.
    const colleague = await createAgent(t, a, {
      permissions: ["messages:read", "messages:write", "conversations:read_all"],
    });
    const colleagues = await upload(a, "draft.pdf", colleague.id);
    const taken = await writer.client.post(path(conv.uuid), {
      message: "x",
      attachments: [{ media_uuid: colleagues.uuid }],
    });
    expect(taken.status).toBe(400);
    expect(taken.body.data.message).toMatch(/^attachments\[0\]\.media_uuid: no unattached upload/);
  });

  it("mentions: agents of the workspace only; they become participants and are notified after the queue drains", async () => {
    const c = await createConversation(t, a, { subject: "mention me" });
    const mentioned = await createAgent(t, a, {
      permissions: ["conversations:read_assigned", "conversations:read", "messages:read"],
    });
    expect(
      (await mentioned.client.post("/api/v1/agents/me/push-token", { token: "mention-phone", platform: "android" }))
        .status,
    ).toBe(201);
    const contact = await createContact(t, a);
    const bAgent = await createAgent(t, b);
    const bad = async (mentions: number[]) =>
      (await writer.client.post(path(c.uuid), { message: "hi", private: true, mentions })).body.data.message;
    expect(await bad([mentioned.id, contact.id])).toBe(`mentions[1]: no agent with id ${contact.id}`);
    expect(await bad([bAgent.id])).toBe(`mentions[0]: no agent with id ${bAgent.id}`);
    expect((await mentioned.client.get(`/api/v1/conversations/${c.uuid}`)).status).toBe(404);

    const res = await writer.client.post(path(c.uuid), {
      message: "<p>Can you look?</p>",
      private: true,
      mentions: [mentioned.id, writer.id],
    });
    expect(res.status).toBe(201);
    expect(res.body.data.meta).toEqual({ mentions: [mentioned.id, writer.id] });
    await t.queue.drain();
    expect(t.push.sent.filter((p) => p.token === "mention-phone")).toEqual([
      expect.objectContaining({ title: `Wendy Smith mentioned you in #${c.referenceNumber}`, body: "Can you look?" }),
    ]);
    const notes = (await mentioned.client.get("/api/v1/notifications")).body.data.results;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ type: "mention" });
    // Being mentioned makes the conversation visible and lists it under "mentioned"; the author is not notified.
    expect((await mentioned.client.get(`/api/v1/conversations/${c.uuid}`)).status).toBe(200);
    expect((await mentioned.client.get(path(c.uuid))).status).toBe(200);
    const mine = (await mentioned.client.get("/api/v1/conversations/mentioned")).body.data.results;
    expect(mine.map((r: { uuid: string }) => r.uuid)).toEqual([c.uuid]);
    expect((await writer.client.get("/api/v1/notifications")).body.data.results).toEqual([]);
  });

  it("needs messages:write and a visible conversation of the workspace", async () => {
    const inB = async () =>
      (await t.database.db.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, convB.id)))
        .length;
    const before = await inB();
    expect((await readOnly.client.post(path(conv.uuid), { message: "x", private: true })).status).toBe(403);
    expect((await assignedOnly.client.post(path(conv.uuid), { message: "x", private: true })).status).toBe(404);
    expect((await a.admin.post(path(convB.uuid), { message: "x", private: true })).status).toBe(404);
    expect(await inB()).toBe(before);
  });
});

describe("private notes: edit and delete", () => {
  let note: { uuid: string };
  let reply: { uuid: string };
  beforeAll(async () => {
    note = (await writer.client.post(path(conv.uuid), { message: "draft note", private: true })).body.data;
    reply = (await writer.client.post(path(conv.uuid), { message: "public" })).body.data;
  });

  it("the author edits a note (sanitised) and others get a message_update", async () => {
    const res = await writer.client.put(`${path(conv.uuid)}/${note.uuid}/note`, {
      message: `<p>final<img src=x onerror=alert(1)></p>`,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      uuid: note.uuid,
      content: "<p>final</p>",
      text_content: "final",
      private: true,
    });
    expect(t.published.at(-1)).toEqual({
      type: "message_update",
      tenantId: a.id,
      conversationUuid: conv.uuid,
      messageUuid: note.uuid,
      changes: { content: "<p>final</p>", text_content: "final" },
    });
  });

  it("refuses other agents (403), public messages (400), other workspaces (404) and missing permission (403)", async () => {
    expect((await otherWriter.client.put(`${path(conv.uuid)}/${note.uuid}/note`, { message: "mine now" })).status).toBe(
      403,
    );
    expect((await otherWriter.client.delete(`${path(conv.uuid)}/${note.uuid}/note`)).status).toBe(403);
    const pub = await writer.client.put(`${path(conv.uuid)}/${reply.uuid}/note`, { message: "changed" });
    expect(pub.status).toBe(400);
    expect(pub.body.data.message).toBe("public messages are immutable");
    expect((await writer.client.delete(`${path(conv.uuid)}/${reply.uuid}/note`)).status).toBe(400);
    expect((await readOnly.client.put(`${path(conv.uuid)}/${note.uuid}/note`, { message: "x" })).status).toBe(403);
    expect((await b.admin.put(`${path(conv.uuid)}/${note.uuid}/note`, { message: "x" })).status).toBe(404);
    expect((await writer.client.put(`${path(conv.uuid)}/${note.uuid}/note`, { message: "" })).status).toBe(400);
    expect((await writer.client.get(`${path(conv.uuid)}/${note.uuid}`)).body.data.text_content).toBe("final");
  });

  it("the author deletes a note", async () => {
    const res = await writer.client.delete(`${path(conv.uuid)}/${note.uuid}/note`);
    expect(res.status).toBe(200);
    expect(t.published.at(-1)).toMatchObject({
      type: "message_update",
      messageUuid: note.uuid,
      changes: { deleted: true },
    });
    expect((await writer.client.get(`${path(conv.uuid)}/${note.uuid}`)).status).toBe(404);
    expect((await writer.client.delete(`${path(conv.uuid)}/${note.uuid}/note`)).status).toBe(404);
  });
});

describe("PUT /api/v1/conversations/:uuid/messages/:message_uuid/retry", () => {
  it("queues a failed message again for its sender only", async () => {
    const sent = (await writer.client.post(path(conv.uuid), { message: "will fail" })).body.data;
    // The factory's inbox has no SMTP server: delivery (tests/mail/delivery*.test.ts) fails the reply at once.
    await t.queue.drain();
    await t.database.db.update(messages).set({ status: "sent" }).where(eq(messages.uuid, sent.uuid));
    const retry = (client = writer.client) => client.put(`${path(conv.uuid)}/${sent.uuid}/retry`);
    const pending = await retry();
    expect(pending.status).toBe(400);
    expect(pending.body.data.message).toBe("only a failed message can be retried");
    await t.database.db.update(messages).set({ status: "failed" }).where(eq(messages.uuid, sent.uuid));
    expect((await retry(otherWriter.client)).status).toBe(403);
    expect((await retry(readOnly.client)).status).toBe(403);
    expect((await retry(b.admin)).status).toBe(404);
    const res = await retry();
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ uuid: sent.uuid, status: "pending" });
    expect(t.published).toContainEqual({
      type: "message_update",
      tenantId: a.id,
      conversationUuid: conv.uuid,
      messageUuid: sent.uuid,
      changes: { status: "pending" },
    });
    await t.queue.drain();
  });
});

describe("POST /api/v1/conversations", () => {
  let inboxId: number;
  beforeAll(async () => {
    inboxId = (await createInbox(t, a)).id;
  });
  const body = (over: Record<string, unknown> = {}) => ({
    inbox_id: inboxId,
    contact: { first_name: "Nina", last_name: "New", email: "Nina@Example.org" },
    subject: "Your order",
    message: "<p>Hello <b>Nina</b><script>x()</script></p>",
    ...over,
  });

  it("creates the contact, the conversation and its first reply (pending)", async () => {
    const res = await writer.client.post("/api/v1/conversations", body({ cc: ["cc@example.org"] }));
    expect(res.status).toBe(201);
    const c = res.body.data;
    expect(c).toMatchObject({
      subject: "Your order",
      status: "Open",
      inbox_id: inboxId,
      contact: { first_name: "Nina", last_name: "New", email: "nina@example.org" },
      last_message: "Hello Nina",
      assigned_user_id: null,
    });
    expect(c.reference_number).toBeGreaterThan(conv.referenceNumber);
    // The reply was stored pending and queued; the factory's inbox has no SMTP server, so its delivery
    // (tests/mail/delivery*.test.ts) ends in `failed`: wait for it to settle.
    await t.queue.drain();
    const [first] = (await writer.client.get(path(c.uuid))).body.data.results;
    expect(first).toMatchObject({
      type: "outgoing",
      status: "failed",
      private: false,
      content: "<p>Hello <b>Nina</b></p>",
      sender_id: writer.id,
      meta: { to: ["nina@example.org"], cc: ["cc@example.org"], bcc: [] },
    });
    expect(eventsOf(c.uuid).slice(0, 2)).toEqual([
      { type: "new_conversation", tenantId: a.id, conversationUuid: c.uuid },
      { type: "new_message", tenantId: a.id, conversationUuid: c.uuid, messageUuid: first.uuid },
    ]);
  });

  it("reuses a contact by email, case-insensitively, and honours set_status", async () => {
    const res = await writer.client.post(
      "/api/v1/conversations",
      body({ contact: { first_name: "Other", email: "NINA@example.ORG" }, set_status: "Resolved" }),
    );
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      status: "Resolved",
      contact: { first_name: "Nina", email: "nina@example.org" },
    });
    expect(res.body.data.resolved_at).not.toBeNull();
    const ninas = await t.database.db.select().from(users).where(eq(users.email, "nina@example.org"));
    expect(ninas).toHaveLength(1);
  });

  it("a blocked contact still gets the agent's conversation (not Spam)", async () => {
    const blocked = await createContact(t, a, { email: "blocked@example.org" });
    await t.database.db.update(users).set({ blocked: true }).where(eq(users.id, blocked.id));
    const res = await writer.client.post(
      "/api/v1/conversations",
      body({ contact: { first_name: "B", email: "blocked@example.org" } }),
    );
    expect(res.body.data).toMatchObject({ status: "Open", contact: { id: blocked.id } });
  });

  it("returns the conversation to a creator whose visibility would not list it", async () => {
    const creator = await createAgent(t, a, {
      permissions: ["conversations:write", "conversations:read", "conversations:read_assigned"],
    });
    const res = await creator.client.post("/api/v1/conversations", body());
    expect(res.status).toBe(201);
    expect((await creator.client.get(`/api/v1/conversations/${res.body.data.uuid}`)).status).toBe(404);
  });

  it("validates the inbox, the contact and the message; needs conversations:write", async () => {
    const bInbox = await createInbox(t, b);
    const disabled = await createInbox(t, a);
    await t.database.db.update(inboxes).set({ enabled: false }).where(eq(inboxes.id, disabled.id));
    const fail = async (over: Record<string, unknown>) =>
      (await writer.client.post("/api/v1/conversations", body(over))).body.data.message;
    expect(await fail({ inbox_id: bInbox.id })).toMatch(/^inbox_id: no enabled inbox/);
    expect(await fail({ inbox_id: disabled.id })).toMatch(/^inbox_id: no enabled inbox/);
    expect(await fail({ contact: { first_name: "X", email: "nope" } })).toMatch(/^contact\.email:/);
    expect(await fail({ subject: " " })).toMatch(/^subject:/);
    expect(await fail({ message: "<script></script>" })).toMatch(/^message: required/);
    expect(await fail({ set_status: "Snoozed" })).toMatch(/^set_status:/);
    expect((await readOnly.client.post("/api/v1/conversations", body())).status).toBe(403);
    const bContacts = await t.database.db.select().from(users).where(eq(users.tenantId, b.id));
    expect(bContacts.some((u) => u.email === "nina@example.org")).toBe(false);
  });
});
