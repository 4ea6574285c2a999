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

/**
 * Search as LibreDesk's UI calls it (SearchView.vue, the command box, contact pickers): the text in `query`,
 * the answer read as a bare array of hits. HelperIQ's `q` keeps answering pages.
 */

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let uuid: string;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  const contact = await createContact(t, a, { email: "walrus.keeper@example.org", firstName: "Wally" });
  const conversation = await createConversation(t, a, {
    subject: "Walrus feeding schedule",
    contactId: contact.id,
    status: "Open",
  });
  uuid = conversation.uuid;
  await createMessage(t, a, conversation.id, { text: "The walrus refuses herring on Tuesdays" });
  const elsewhere = await createConversation(t, b, { subject: "Walrus in workspace B" });
  await createMessage(t, b, elsewhere.id, { text: "walrus secret" });
});
afterAll(() => t.close());

describe("search with LibreDesk's `query`", () => {
  it("conversations: a bare array with the fields the results page reads", async () => {
    const res = await a.admin.get("/api/v1/conversations/search?query=walrus");
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      uuid,
      subject: "Walrus feeding schedule",
      status: "Open",
      reference_number: expect.any(Number),
    });
    expect(new Date(res.body.data[0].created_at).toISOString()).toBe(res.body.data[0].created_at);
  });

  it("messages: a bare array with the message text and its conversation's number, status and start", async () => {
    const res = await a.admin.get("/api/v1/messages/search?query=herring");
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      text_content: "The walrus refuses herring on Tuesdays",
      conversation_uuid: uuid,
      conversation_reference_number: expect.any(Number),
      conversation_status: "Open",
      conversation_created_at: expect.any(String),
      created_at: expect.any(String),
    });
  });

  it("contacts: the array of contacts with id, names and email", async () => {
    const res = await a.admin.get("/api/v1/contacts/search?query=walrus.keeper");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        id: expect.any(Number),
        first_name: "Wally",
        last_name: "Customer",
        email: "walrus.keeper@example.org",
      }),
    ]);
    expect(res.body.data[0]).toHaveProperty("created_at");
  });

  it("the unified search takes `query` too", async () => {
    const res = await a.admin.get("/api/v1/search?query=walrus");
    expect(res.status).toBe(200);
    expect(res.body.data.conversations.map((c: { uuid: string }) => c.uuid)).toEqual([uuid]);
    expect(res.body.data.contacts).toHaveLength(1);
  });

  it("`q` still answers HelperIQ's pages, and wins over `query`", async () => {
    const res = await a.admin.get("/api/v1/conversations/search?q=walrus&query=nothing-like-this");
    expect(res.body.data).toMatchObject({
      total: 1,
      page: 1,
      results: [expect.objectContaining({ uuid, snippet: expect.stringContaining("<mark>") })],
    });
    const messages = await a.admin.get("/api/v1/messages/search?q=herring");
    expect(messages.body.data.total).toBe(1);
  });

  it("keeps the query rules and the visibility rule: too short is a 400, others' conversations stay hidden", async () => {
    const short = await a.admin.get("/api/v1/conversations/search?query=w");
    expect(short.status).toBe(400);
    expect(short.body.data.type).toBe("InputError");
    const outsider = await createAgent(t, a, { permissions: ["conversations:read", "messages:read"] });
    expect((await outsider.client.get("/api/v1/conversations/search?query=walrus")).body.data).toEqual([]);
    expect((await outsider.client.get("/api/v1/messages/search?query=walrus")).body.data).toEqual([]);
    expect(
      (await b.admin.get("/api/v1/conversations/search?query=walrus")).body.data.map(
        (c: { subject: string }) => c.subject,
      ),
    ).toEqual(["Walrus in workspace B"]);
  });
});
