/**
 * LibreDesk's message routes HelperIQ had under other paths or not at all: deleting one's private note at the
 * message's own path (`DELETE …/messages/{uuid}`, the same operation as `DELETE …/note`), and the transcript
 * download (`GET /conversations/{uuid}/transcript`: plain text, an attachment, public messages only).
 */
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
import { expectError } from "./routes-support.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let colleague: TestAgent;
let outsider: TestAgent;
let reader: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  colleague = await createAgent(t, a, {
    permissions: ["conversations:read", "conversations:read_all", "messages:read", "messages:write"],
  });
  // Sees only conversations assigned to them: an unassigned one is invisible (404).
  outsider = await createAgent(t, a, { permissions: ["conversations:read", "messages:read", "messages:write"] });
  reader = await createAgent(t, a, { permissions: ["conversations:read", "conversations:read_all"] });
});
afterAll(() => t.close());

const note = async (tenant: TestTenant, uuid: string, text: string) => {
  const res = await tenant.admin.post(`/api/v1/conversations/${uuid}/messages`, {
    message: `<p>${text}</p>`,
    private: true,
  });
  expect(res.status).toBe(201);
  return res.body.data.uuid as string;
};
const uuidsOf = async (uuid: string) =>
  ((await a.admin.get(`/api/v1/conversations/${uuid}/messages`)).body.data.results as { uuid: string }[]).map(
    (m) => m.uuid,
  );

describe("DELETE /api/v1/conversations/{uuid}/messages/{message_uuid}", () => {
  it("deletes the caller's own private note, like DELETE …/note", async () => {
    const conversation = await createConversation(t, a);
    const mine = await note(a, conversation.uuid, "Call back on Monday");
    const res = await a.admin.delete(`/api/v1/conversations/${conversation.uuid}/messages/${mine}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toBe(true);
    expect(await uuidsOf(conversation.uuid)).not.toContain(mine);
    expect(t.published).toContainEqual(
      expect.objectContaining({ type: "message_update", messageUuid: mine, changes: { deleted: true } }),
    );
    // The second path answers the same way for what is gone.
    expectError(await a.admin.delete(`/api/v1/conversations/${conversation.uuid}/messages/${mine}/note`), 404);
  });

  it("refuses public messages (400) and other agents' notes (403)", async () => {
    const conversation = await createConversation(t, a);
    const incoming = await createMessage(t, a, conversation.id);
    const theirs = await note(a, conversation.uuid, "Admin's note");
    expectError(
      await a.admin.delete(`/api/v1/conversations/${conversation.uuid}/messages/${incoming.uuid}`),
      400,
      /immutable/,
    );
    expectError(await colleague.client.delete(`/api/v1/conversations/${conversation.uuid}/messages/${theirs}`), 403);
    expect(await uuidsOf(conversation.uuid)).toEqual(expect.arrayContaining([incoming.uuid, theirs]));
  });

  it("names a bad uuid, is 404 for another workspace's note and 403 without messages:write", async () => {
    const conversation = await createConversation(t, a);
    expectError(
      await a.admin.delete(`/api/v1/conversations/${conversation.uuid}/messages/nope`),
      400,
      /^message_uuid: /,
    );
    const theirConversation = await createConversation(t, b);
    const theirs = await note(b, theirConversation.uuid, "B's note");
    expectError(await a.admin.delete(`/api/v1/conversations/${theirConversation.uuid}/messages/${theirs}`), 404);
    expect((await b.admin.get(`/api/v1/conversations/${theirConversation.uuid}/messages/${theirs}`)).status).toBe(200);
    const mine = await note(a, conversation.uuid, "Mine");
    expectError(await reader.client.delete(`/api/v1/conversations/${conversation.uuid}/messages/${mine}`), 403);
  });
});

describe("GET /api/v1/conversations/{uuid}/transcript", () => {
  it("downloads what the customer and the agents wrote, oldest first, as a text attachment", async () => {
    const contact = await createContact(t, a, { firstName: "Casey", email: "casey@example.org" });
    const conversation = await createConversation(t, a, { contactId: contact.id, subject: "Broken kettle" });
    const start = t.clock.now().getTime();
    await createMessage(t, a, conversation.id, { text: "My kettle is broken", createdAt: new Date(start) });
    await createMessage(t, a, conversation.id, {
      type: "activity",
      text: "Ada set status to Open",
      createdAt: new Date(start + 1000),
    });
    await note(a, conversation.uuid, "Secret internal remark");
    const reply = await a.admin.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
      message: "<p>We will send a new one</p>",
    });
    expect(reply.status).toBe(201);

    const res = await a.admin.get(`/api/v1/conversations/${conversation.uuid}/transcript`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      new RegExp(`^attachment; filename="transcript-${conversation.referenceNumber}\\.txt"`),
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const text = res.body as string;
    expect(text).toContain(`Conversation #${conversation.referenceNumber}: Broken kettle`);
    expect(text).toContain("Contact: Casey Customer <casey@example.org>");
    expect(text.indexOf("My kettle is broken")).toBeLessThan(text.indexOf("We will send a new one"));
    expect(text).toMatch(/\] Casey Customer \(customer\):\nMy kettle is broken/);
    expect(text).toMatch(/\] Ada Admin \(agent\):\nWe will send a new one/);
    expect(text).not.toContain("Secret internal remark");
    expect(text).not.toContain("set status to Open");
  });

  it("is 404 for a conversation the caller may not see or another workspace's, 403 without messages:read", async () => {
    const conversation = await createConversation(t, a);
    expectError(await outsider.client.get(`/api/v1/conversations/${conversation.uuid}/transcript`), 404);
    expectError(await reader.client.get(`/api/v1/conversations/${conversation.uuid}/transcript`), 403);
    const theirs = await createConversation(t, b);
    expectError(await a.admin.get(`/api/v1/conversations/${theirs.uuid}/transcript`), 404);
    expectError(await a.admin.get("/api/v1/conversations/not-a-uuid/transcript"), 400, /^uuid: /);
  });
});
