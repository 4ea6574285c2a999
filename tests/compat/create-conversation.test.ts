/**
 * `POST /api/v1/conversations` in LibreDesk's form (its "new conversation" dialog): the contact flat
 * (`contact_email`, `first_name`, `last_name`), the message as `content`, upload ids as `attachments`, a team
 * and an agent to assign, and `initiator` — the agent (sent to the contact) or the contact (recorded as their
 * incoming message). HelperIQ's documented form (tests/api/messages.test.ts) keeps working beside it.
 */
import { conversations, media, users } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Client, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createInbox,
  createTeam,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";
import { expectError } from "./routes-support.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let writer: TestAgent;
let assigner: TestAgent;
let inboxId: number;

const WRITE = [
  "conversations:read",
  "conversations:read_all",
  "conversations:write",
  "messages:read",
  "messages:write",
] as const;
const eventsOf = (uuid: string) => t.published.filter((e) => "conversationUuid" in e && e.conversationUuid === uuid);

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  writer = await createAgent(t, a, { permissions: [...WRITE], firstName: "Wendy" });
  assigner = await createAgent(t, a, {
    permissions: [...WRITE, "conversations:update_team_assignee", "conversations:update_user_assignee"],
  });
  inboxId = (await createInbox(t, a)).id;
});
afterAll(() => t.close());

/** The dialog's body, as the UI builds it. */
const dialog = (over: Record<string, unknown> = {}) => ({
  inbox_id: inboxId,
  team_id: null,
  agent_id: null,
  subject: "Order never arrived",
  content: "<p>Hello, we are looking into <b>your order</b>.</p><script>x()</script>",
  contact_email: "Nora@Example.org",
  first_name: "Nora",
  last_name: "Newcustomer",
  attachments: [],
  initiator: "agent",
  ...over,
});

async function uploadAs(client: Client, name = "receipt.txt") {
  const form = new FormData();
  form.append("files", new File([`Receipt ${name}`], name, { type: "text/plain" }));
  const res = await client.request("POST", "/api/v1/media", form);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: number; uuid: string };
}

const messagesOf = async (client: Client, uuid: string) =>
  (await client.get(`/api/v1/conversations/${uuid}/messages`)).body.data.results;

describe("LibreDesk's new-conversation dialog", () => {
  it("initiator agent: creates the contact and sends the first reply with its uploads, like HelperIQ's form", async () => {
    const file = await uploadAs(writer.client);
    const res = await writer.client.post("/api/v1/conversations", dialog({ attachments: [file.id] }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const c = res.body.data;
    expect(c).toMatchObject({
      subject: "Order never arrived",
      status: "Open",
      inbox_id: inboxId,
      contact: { first_name: "Nora", last_name: "Newcustomer", email: "nora@example.org" },
      last_message: "Hello, we are looking into your order.",
      assigned_user_id: null,
      assigned_team_id: null,
    });
    await t.queue.drain();
    const [first] = await messagesOf(writer.client, c.uuid);
    expect(first).toMatchObject({
      type: "outgoing",
      sender_type: "agent",
      sender_id: writer.id,
      content: "<p>Hello, we are looking into <b>your order</b>.</p>",
      meta: { to: ["nora@example.org"] },
    });
    expect(first.attachments.map((m: { uuid: string }) => m.uuid)).toEqual([file.uuid]);
    const [held] = await t.database.db.select().from(media).where(eq(media.id, file.id));
    expect(held!.messageId).not.toBeNull();
    expect(eventsOf(c.uuid)[0]).toEqual({ type: "new_conversation", tenantId: a.id, conversationUuid: c.uuid });
  });

  it("initiator contact: records the contact's words as their incoming message; nothing is sent, the conversation waits", async () => {
    const file = await uploadAs(writer.client, "photo-of-box.txt");
    const res = await writer.client.post(
      "/api/v1/conversations",
      dialog({
        initiator: "contact",
        contact_email: "caller@example.org",
        first_name: "Cal",
        content: "<p>My box came <i>empty</i>.</p>",
        attachments: [file.id],
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const c = res.body.data;
    expect(c).toMatchObject({
      status: "Open",
      contact: { first_name: "Cal", email: "caller@example.org" },
      last_message: "My box came empty.",
    });
    expect(c.waiting_since).not.toBeNull();
    await t.queue.drain();
    const listed = await messagesOf(writer.client, c.uuid);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      type: "incoming",
      status: "received",
      sender_type: "contact",
      sender_id: c.contact.id,
      content: "<p>My box came <i>empty</i>.</p>",
      meta: { source: "agent", recorded_by: writer.id },
    });
    expect(listed[0].attachments.map((m: { uuid: string }) => m.uuid)).toEqual([file.uuid]);
    const [row] = await t.database.db.select().from(conversations).where(eq(conversations.uuid, c.uuid));
    expect(row!.lastMessageSenderType).toBe("contact");
    expect(eventsOf(c.uuid).map((e) => e.type)).toEqual(["new_conversation", "new_message"]);
  });

  it("assigns the team and the agent it names, in the same write, with their activity notes", async () => {
    const team = await createTeam(t, a, [writer.id]);
    const res = await assigner.client.post(
      "/api/v1/conversations",
      dialog({ team_id: team.id, agent_id: writer.id, contact_email: "assigned@example.org" }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ assigned_team_id: team.id, assigned_user_id: writer.id });
    await t.queue.drain();
    const types = (await messagesOf(assigner.client, res.body.data.uuid)).map((m: { type: string }) => m.type);
    expect(types.filter((type: string) => type === "activity")).toHaveLength(2);
  });

  it("a bad field is a 400 naming it, in LibreDesk's names, and nothing is written", async () => {
    const before = (
      await t.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.tenantId, a.id))
    ).length;
    const fail = async (over: Record<string, unknown>, client = writer.client) =>
      client.post("/api/v1/conversations", dialog(over));
    expectError(await fail({ contact_email: "not-an-email" }), 400, /^contact_email: /);
    expectError(await fail({ contact_email: undefined }), 400, /^contact_email: /);
    expectError(await fail({ first_name: " " }), 400, /^first_name: required/);
    expectError(await fail({ content: "<script></script>" }), 400, /^content: required/);
    expectError(await fail({ initiator: "robot" }), 400, /^initiator: /);
    expectError(await fail({ attachments: ["x"] }), 400, /^attachments\[0\]: /);
    expectError(await fail({ attachments: [987654] }), 400, /^attachments\[0\]: no unattached upload with this id/);
    expectError(await fail({ team_id: 987654 }, assigner.client), 400, /^team_id: no team/);
    expectError(await fail({ agent_id: 987654 }, assigner.client), 400, /^agent_id: no enabled agent/);
    // Assigning needs the assignment permissions, as it does afterwards.
    expectError(await fail({ team_id: (await createTeam(t, a)).id }), 403, /^team_id: /);
    expectError(await fail({ agent_id: writer.id }), 403, /^agent_id: /);
    const after = (
      await t.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.tenantId, a.id))
    ).length;
    expect(after).toBe(before);
    expect(await t.database.db.select().from(users).where(eq(users.email, "not-an-email"))).toEqual([]);
  });

  it("another workspace's inbox, team, agent or upload is unknown", async () => {
    const bInbox = await createInbox(t, b);
    const bTeam = await createTeam(t, b);
    const bAgent = await createAgent(t, b, { permissions: [...WRITE] });
    const bUpload = await uploadAs(bAgent.client);
    const fail = (over: Record<string, unknown>) => assigner.client.post("/api/v1/conversations", dialog(over));
    expectError(await fail({ inbox_id: bInbox.id }), 400, /^inbox_id: no enabled inbox/);
    expectError(await fail({ team_id: bTeam.id }), 400, /^team_id: no team/);
    expectError(await fail({ agent_id: bAgent.id }), 400, /^agent_id: no enabled agent/);
    expectError(await fail({ attachments: [bUpload.id] }), 400, /^attachments\[0\]: no unattached upload with this id/);
    const [kept] = await t.database.db.select().from(media).where(eq(media.id, bUpload.id));
    expect(kept!.messageId).toBeNull();
  });

  it("HelperIQ's documented form still works, and may name uploads by uuid", async () => {
    const file = await uploadAs(writer.client);
    const res = await writer.client.post("/api/v1/conversations", {
      inbox_id: inboxId,
      contact: { first_name: "Dora", email: "dora@example.org" },
      subject: "Documented",
      message: "<p>Hi Dora</p>",
      attachments: [{ media_uuid: file.uuid }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await t.queue.drain();
    const [first] = await messagesOf(writer.client, res.body.data.uuid);
    expect(first).toMatchObject({ type: "outgoing", content: "<p>Hi Dora</p>" });
    expect(first.attachments.map((m: { uuid: string }) => m.uuid)).toEqual([file.uuid]);
    // A documented body missing its message hears about `message`, not about LibreDesk's fields.
    const missing = await writer.client.post("/api/v1/conversations", {
      inbox_id: inboxId,
      contact: { first_name: "D", email: "d@example.org" },
      subject: "x",
    });
    expectError(missing, 400, /^message: /);
  });
});
