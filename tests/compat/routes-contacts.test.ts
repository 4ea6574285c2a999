/**
 * LibreDesk's `DELETE /api/v1/contacts/{id}` (`contacts:delete`): the contact is erased with everything that
 * is theirs (core/conversation/contacts.ts): their conversations and those conversations' files, what they wrote
 * that a merge moved elsewhere, notes, channels, widget sessions.
 */
import { contactNotes, conversations, media, messages, users, widgetSessions } from "@helperiq/core/schema";
import { storeMedia } from "@helperiq/core/media/store";
import { createWidgetSession } from "@helperiq/core/widget/session";
import { eq, inArray } from "drizzle-orm";
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
import { expectError } from "./routes-support.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let writer: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  writer = await createAgent(t, a, { permissions: ["contacts:read", "contacts:read_all", "contacts:write"] });
});
afterAll(() => t.close());

const db = () => t.database.db;
const rowsOf = async (ids: number[]) =>
  db().select({ id: conversations.id }).from(conversations).where(inArray(conversations.id, ids));

describe("DELETE /api/v1/contacts/{id}", () => {
  it("erases the contact with their conversations, messages, files, notes and sessions", async () => {
    const contact = await createContact(t, a, { firstName: "Erin" });
    const other = await createContact(t, a, { firstName: "Olivia" });
    const first = await createConversation(t, a, { contactId: contact.id });
    const second = await createConversation(t, a, { contactId: contact.id, status: "Resolved" });
    const kept = await createConversation(t, a, { contactId: other.id });
    const incoming = await createMessage(t, a, first.id, { text: "My card is 4111" });
    const file = await storeMedia(db(), t.blobs, {
      tenantId: a.id,
      filename: "scan.txt",
      contentType: "text/plain",
      bytes: new TextEncoder().encode("scan"),
      messageId: incoming.id,
    });
    // Something Erin wrote that a merge moved into Olivia's conversation goes too; Olivia's own stays.
    const moved = await createMessage(t, a, kept.id, { text: "Erin's words" });
    await db().update(messages).set({ senderId: contact.id }).where(eq(messages.id, moved.id));
    const olivias = await createMessage(t, a, kept.id, { text: "Olivia's words" });
    expect((await a.admin.post(`/api/v1/contacts/${contact.id}/notes`, { note: "VIP" })).status).toBe(201);
    const inbox = await createInbox(t, a);
    await createWidgetSession(db(), { tenantId: a.id, inboxId: inbox.id, contactId: contact.id, now: t.clock.now() });

    const before = t.published.length;
    const res = await a.admin.delete(`/api/v1/contacts/${contact.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toBe(true);
    // Clients holding Olivia's conversation learn that Erin's message in it is gone; deleted conversations have nothing to say.
    expect(t.published.slice(before)).toEqual([
      {
        type: "message_update",
        tenantId: a.id,
        conversationUuid: kept.uuid,
        messageUuid: moved.uuid,
        changes: { deleted: true },
      },
    ]);

    expectError(await a.admin.get(`/api/v1/contacts/${contact.id}`), 404);
    expect(await db().select().from(users).where(eq(users.id, contact.id))).toEqual([]);
    expect((await rowsOf([first.id, second.id, kept.id])).map((r) => r.id)).toEqual([kept.id]);
    expect(
      await db()
        .select()
        .from(messages)
        .where(inArray(messages.id, [incoming.id, moved.id])),
    ).toEqual([]);
    expect(await db().select({ id: messages.id }).from(messages).where(eq(messages.id, olivias.id))).toHaveLength(1);
    expect(await db().select().from(contactNotes).where(eq(contactNotes.contactId, contact.id))).toEqual([]);
    expect(await db().select().from(widgetSessions).where(eq(widgetSessions.contactId, contact.id))).toEqual([]);
    const [released] = await db().select().from(media).where(eq(media.id, file.id));
    expect(released!.messageId).toBeNull();
    expect(released!.expiresAt).not.toBeNull();
    // Olivia is untouched.
    expect((await a.admin.get(`/api/v1/contacts/${other.id}`)).status).toBe(200);
  });

  it("is 404 for an unknown id, an agent or another workspace's contact, and changes nothing", async () => {
    const theirs = await createContact(t, b);
    const theirConversation = await createConversation(t, b, { contactId: theirs.id });
    expectError(await a.admin.delete(`/api/v1/contacts/${theirs.id}`), 404);
    expectError(await a.admin.delete(`/api/v1/contacts/${writer.id}`), 404);
    expectError(await a.admin.delete("/api/v1/contacts/999999999"), 404);
    expect((await b.admin.get(`/api/v1/contacts/${theirs.id}`)).status).toBe(200);
    expect(await rowsOf([theirConversation.id])).toHaveLength(1);
    expect((await a.admin.get(`/api/v1/agents/${writer.id}`)).status).toBe(200);
  });

  it("names a bad id", async () => {
    expectError(await a.admin.delete("/api/v1/contacts/abc"), 400, /^id: /);
  });

  it("needs contacts:delete, which only the Admin role holds by default", async () => {
    const contact = await createContact(t, a);
    expectError(await writer.client.delete(`/api/v1/contacts/${contact.id}`), 403);
    expect((await a.admin.get(`/api/v1/contacts/${contact.id}`)).status).toBe(200);
    const roles = (await a.admin.get("/api/v1/roles")).body.data as { name: string; permissions: string[] }[];
    expect(roles.find((r) => r.name === "Admin")!.permissions).toContain("contacts:delete");
    expect(roles.find((r) => r.name === "Agent")!.permissions).not.toContain("contacts:delete");
  });
});
