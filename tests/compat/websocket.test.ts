import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAgent,
  createContact,
  createConversation,
  createInbox,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";
import {
  auth,
  cookie,
  serverDatabase,
  settle,
  startTestServer,
  WsClient,
  type Frame,
  type ServerUnderTest,
  type SharedDb,
} from "../realtime/support.ts";

/**
 * `GET /ws` as LibreDesk's agent UI uses it (mageaustralia/libredesk, frontend `websocket.js` and the
 * conversation/notification/presence stores): a browser page signed in with the session cookie opens `/ws`
 * with no parameter, sends the literal `ping` every few seconds, `view_conversation` when a conversation
 * opens (and, in the 2.x UI, `conversation_subscribe` and `typing`), never subscribes to keep its lists
 * live, and reads `new_message {conversation_uuid, uuid, content, created_at, sender_type, type, private}`,
 * `conversation_prop_update {uuid, prop, value}`, `message_prop_update {conversation_uuid, uuid, prop,
 * value}`, `new_notification`, `presence_update` and `typing {conversation_uuid, is_typing}`.
 */

let db: SharedDb;
let s: ServerUnderTest;
let a: TestTenant;
let b: TestTenant;
let lia: TestAgent; // signed in to LibreDesk's UI: sees every conversation of the workspace
let bob: TestAgent; // another agent working the same conversations (API key)
let eve: TestAgent; // in the UI too, but sees only her own assignments
const open: WsClient[] = [];

const ALL = ["conversations:read", "conversations:read_all", "messages:read"] as const;

/** One sign-in per agent (logins are rate limited), as the UI keeps its session across reconnects. */
const sessions = new Map<string, Record<string, string>>();
async function sessionCookie(agent: { email: string; password: string }, tenant: TestTenant) {
  let cookies = sessions.get(agent.email);
  if (!cookies)
    sessions.set(agent.email, (cookies = (await tenant.anonymous.login(agent.email, agent.password)).creds.cookies!));
  return cookie(cookies);
}

/** LibreDesk's UI: `new WebSocket('/ws')` from a page of the workspace, the session cookie riding along. */
async function libredeskUi(agent: { email: string; password: string }, tenant = a, path = "/ws") {
  const headers = { ...(await sessionCookie(agent, tenant)), origin: `https://${tenant.host}` };
  const client = await WsClient.open(s.port, tenant.host, { path, headers });
  open.push(client);
  return client;
}

/** A client written from HelperIQ's contract: an API key, no dialect parameter. */
async function helperiqClient(apiKey: string, path = "/ws", host = a.host) {
  const client = await WsClient.open(s.port, host, { path, headers: auth(apiKey) });
  open.push(client);
  return client;
}

const prop = (uuid: string, name: string) => (f: Frame) =>
  f.type === "conversation_prop_update" && f.data.uuid === uuid && f.data.prop === name;
const objects = (c: WsClient) => c.frames.filter((f): f is Frame => typeof f === "object");

beforeAll(async () => {
  db = await serverDatabase();
  s = await startTestServer(db);
  a = await createTenant(s.t);
  b = await createTenant(s.t);
  lia = await createAgent(s.t, a, { permissions: [...ALL, "messages:write"], firstName: "Lia" });
  bob = await createAgent(s.t, a, {
    permissions: [
      ...ALL,
      "messages:write",
      "conversations:write",
      "conversations:update_status",
      "conversations:update_priority",
      "conversations:update_user_assignee",
    ],
    firstName: "Bob",
  });
  eve = await createAgent(s.t, a, {
    permissions: ["conversations:read", "conversations:read_assigned", "messages:read"],
    firstName: "Eve",
  });
});

afterAll(async () => {
  for (const c of open) c.ws.terminate();
  await s?.close();
  await db?.drop();
});

describe("LibreDesk's UI, unmodified, without subscribing", () => {
  it("answers its literal ping with pong", async () => {
    const ui = await libredeskUi(lia);
    ui.send("ping");
    expect(await ui.wait((f) => f === "pong")).toBe("pong");
  });

  it("gets conversation_prop_update {uuid, prop, value} for each field another agent changes: status, priority, assignee", async () => {
    const conv = await createConversation(s.t, a);
    const ui = await libredeskUi(lia);
    expect((await bob.client.put(`/api/v1/conversations/${conv.uuid}/status`, { status: "Resolved" })).status).toBe(
      200,
    );
    const status = await ui.next(prop(conv.uuid, "status"));
    // The UI sets `conversation[prop] = value`: the status by name, as its lists filter on.
    expect(status.data).toEqual({ uuid: conv.uuid, prop: "status", value: "Resolved" });
    expect((await ui.next(prop(conv.uuid, "resolved_at"))).data.value).toEqual(expect.any(String));
    expect((await bob.client.put(`/api/v1/conversations/${conv.uuid}/priority`, { priority: "High" })).status).toBe(
      200,
    );
    expect((await ui.next(prop(conv.uuid, "priority"))).data).toEqual({
      uuid: conv.uuid,
      prop: "priority",
      value: "High",
    });
    expect((await ui.next(prop(conv.uuid, "priority_id"))).data.value).toEqual(expect.any(Number));
    expect(
      (await bob.client.put(`/api/v1/conversations/${conv.uuid}/assignee/user`, { assignee_id: bob.id })).status,
    ).toBe(200);
    expect((await ui.next(prop(conv.uuid, "assigned_user_id"))).data).toEqual({
      uuid: conv.uuid,
      prop: "assigned_user_id",
      value: bob.id,
    });
    // Unsubscribed all along.
    expect(ui.of("conversation_subscribed")).toEqual([]);
  });

  it("gets new_message on a reply with the fields its lists read, then reads the message over REST", async () => {
    const conv = await createConversation(s.t, a);
    const ui = await libredeskUi(lia);
    const sent = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>On it, <b>today</b></p>",
      private: true,
    });
    expect(sent.status).toBe(201);
    const frame = await ui.next((f) => f.type === "new_message" && f.data.uuid === sent.body.data.uuid);
    expect(frame.data).toMatchObject({
      conversation_uuid: conv.uuid,
      uuid: sent.body.data.uuid,
      content: "On it, today", // the list preview, not the HTML
      created_at: sent.body.data.created_at,
      sender_type: "agent",
      type: "outgoing",
      private: true,
    });
    // The list row moves up with the conversation's own fields, in LibreDesk's names.
    expect((await ui.next(prop(conv.uuid, "last_message"))).data.value).toBe("On it, today");
    expect((await ui.next(prop(conv.uuid, "last_message_sender"))).data.value).toBe("agent");
    // What `updateConversationMessage` does next.
    const fetched = await lia.client.get(`/api/v1/conversations/${conv.uuid}/messages/${frame.data.uuid}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data.uuid).toBe(sent.body.data.uuid);
  });

  it("gets new_conversation (its list row) and the first new_message of a conversation someone else creates", async () => {
    const inbox = await createInbox(s.t, a);
    const ui = await libredeskUi(lia);
    const created = await a.admin.post("/api/v1/conversations", {
      inbox_id: inbox.id,
      contact: { first_name: "Nia", email: "nia@example.org" },
      subject: "New one",
      message: "<p>hello there</p>",
    });
    expect(created.status).toBe(201);
    const uuid = created.body.data.uuid;
    const frame = await ui.next((f) => f.type === "new_conversation" && f.data.uuid === uuid);
    const row = (await lia.client.get("/api/v1/conversations/all?page_size=100")).body.data.results.find(
      (r: { uuid: string }) => r.uuid === uuid,
    );
    expect(frame.data).toEqual(row);
    expect(frame.data).toMatchObject({ uuid, subject: "New one", status: "Open" });
    const first = await ui.next((f) => f.type === "new_message" && f.data.conversation_uuid === uuid);
    expect(first.data).toMatchObject({ content: "hello there", type: "outgoing", sender_type: "agent" });
  });

  it("gets message_prop_update {conversation_uuid, uuid, prop, value} when a message's status or content changes", async () => {
    const conv = await createConversation(s.t, a);
    const ui = await libredeskUi(lia);
    // A public reply: the factory inbox has no SMTP server, so delivery settles its status at once.
    const reply = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>Hello</p>",
      to: ["casey@example.org"],
    });
    expect(reply.status).toBe(201);
    const isStatus = (f: Frame) =>
      f.type === "message_prop_update" && f.data.uuid === reply.body.data.uuid && f.data.prop === "status";
    // Every transition is pushed (pending → sending → its outcome); the last one is what the message now says.
    const settled = await ui.next((f) => isStatus(f) && f.data.value !== "sending");
    expect(
      ui
        .of("message_prop_update")
        .filter(isStatus)
        .map((f) => f.data.value),
    ).toEqual(["sending", settled.data.value]);
    const stored = await lia.client.get(`/api/v1/conversations/${conv.uuid}/messages/${reply.body.data.uuid}`);
    expect(settled.data).toEqual({
      conversation_uuid: conv.uuid,
      uuid: reply.body.data.uuid,
      prop: "status",
      value: stored.body.data.status,
    });
    expect(["sent", "failed"]).toContain(stored.body.data.status);
    const note = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>draft</p>",
      private: true,
    });
    expect(
      (
        await bob.client.put(`/api/v1/conversations/${conv.uuid}/messages/${note.body.data.uuid}/note`, {
          message: "<p>final</p>",
        })
      ).status,
    ).toBe(200);
    const edited = await ui.next(
      (f) => f.type === "message_prop_update" && f.data.uuid === note.body.data.uuid && f.data.prop === "content",
    );
    expect(edited.data).toEqual({
      conversation_uuid: conv.uuid,
      uuid: note.body.data.uuid,
      prop: "content",
      value: "<p>final</p>",
    });
  });

  it("addresses a nested contact change as dotted props, so the UI patches the contact instead of replacing it", async () => {
    const conv = await createConversation(s.t, a);
    const other = await createContact(s.t, a, { firstName: "Omar", email: "omar@example.org" });
    const ui = await libredeskUi(lia);
    expect((await bob.client.put(`/api/v1/conversations/${conv.uuid}/contact`, { contact_id: other.id })).status).toBe(
      200,
    );
    expect((await ui.next(prop(conv.uuid, "contact_id"))).data.value).toBe(other.id);
    expect((await ui.next(prop(conv.uuid, "contact.first_name"))).data).toEqual({
      uuid: conv.uuid,
      prop: "contact.first_name",
      value: "Omar",
    });
    expect((await ui.next(prop(conv.uuid, "contact.email"))).data.value).toBe("omar@example.org");
    expect(
      ui.of("conversation_prop_update").filter((f) => f.data.uuid === conv.uuid && f.data.prop === "contact"),
    ).toEqual([]);
  });

  it("gets new_notification when a conversation is assigned to its agent", async () => {
    const conv = await createConversation(s.t, a);
    const ui = await libredeskUi(lia);
    expect(
      (await bob.client.put(`/api/v1/conversations/${conv.uuid}/assignee/user`, { assignee_id: lia.id })).status,
    ).toBe(200);
    const notified = await ui.next((f) => f.type === "new_notification" && f.data.conversation_uuid === conv.uuid);
    const listed = await lia.client.get("/api/v1/notifications");
    expect(listed.body.data.results[0]).toEqual(notified.data);
  });

  it("2.x UI: subscribes the open conversation, gets conversation_subscribed, typing {conversation_uuid, is_typing} and presence_update", async () => {
    const conv = await createConversation(s.t, a);
    const [ui, other] = [await libredeskUi(lia), await libredeskUi(bob)];
    ui.send({ type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    await ui.next((f) => f.type === "conversation_subscribed" && f.data.conversation_uuid === conv.uuid);
    other.send({ type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    await other.next((f) => f.type === "conversation_subscribed");
    other.send({ type: "typing", data: { conversation_uuid: conv.uuid, is_typing: true, is_private_message: false } });
    expect((await ui.next((f) => f.type === "typing")).data).toMatchObject({
      conversation_uuid: conv.uuid,
      is_typing: true,
    });
    other.send({ type: "view_conversation", data: { conversation_uuid: conv.uuid } });
    const presence = await ui.next(
      (f) => f.type === "presence_update" && f.data.conversation_uuid === conv.uuid && f.data.viewers.length === 1,
    );
    expect(presence.data.viewers).toEqual([{ user_id: bob.id, first_name: "Bob" }]);
  });
});

describe("LibreDesk's later UI (upstream main), on the same connection rule", () => {
  it("names its list with list_subscribe_replace and gets conversation_update / message_update {…changed fields} and new_message with `preview`", async () => {
    const conv = await createConversation(s.t, a);
    const ui = await libredeskUi(lia);
    ui.send({ type: "list_subscribe_replace", data: { uuids: [conv.uuid] } });
    ui.send({ type: "list_subscribe_replace", data: { uuids: "all" } });
    expect((await ui.next((f) => f.type === "error")).data).toBe("invalid message format");
    expect((await bob.client.put(`/api/v1/conversations/${conv.uuid}/status`, { status: "Resolved" })).status).toBe(
      200,
    );
    const update = await ui.next((f) => f.type === "conversation_update" && f.data.uuid === conv.uuid);
    expect(update.data).toMatchObject({ uuid: conv.uuid, status: "Resolved" });
    const note = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>first draft</p>",
      private: true,
    });
    const added = await ui.next((f) => f.type === "new_message" && f.data.uuid === note.body.data.uuid);
    expect(added.data).toMatchObject({
      conversation_uuid: conv.uuid,
      preview: "first draft",
      created_at: note.body.data.created_at,
      sender_type: "agent",
    });
    expect(
      (
        await bob.client.put(`/api/v1/conversations/${conv.uuid}/messages/${note.body.data.uuid}/note`, {
          message: "<p>second</p>",
        })
      ).status,
    ).toBe(200);
    const edited = await ui.next((f) => f.type === "message_update" && f.data.uuid === note.body.data.uuid);
    expect(edited.data).toMatchObject({
      conversation_uuid: conv.uuid,
      uuid: note.body.data.uuid,
      content: "<p>second</p>",
      text_content: "second",
    });
    // One error in all: for the malformed frame, none for the list itself.
    expect(ui.of("error")).toHaveLength(1);
  });

  it("list_subscribe_replace is no frame of HelperIQ's dialect", async () => {
    const client = await helperiqClient(lia.apiKey);
    client.send({ type: "list_subscribe_replace", data: { uuids: [] } });
    expect((await client.next((f) => f.type === "error")).data).toBe("unknown message type");
  });
});

describe("the same visibility and tenancy as REST, whatever the dialect", () => {
  it("an agent who cannot see the conversation, and another workspace, receive nothing of it", async () => {
    const conv = await createConversation(s.t, a, { assignedUserId: bob.id });
    const [eves, lias] = [await libredeskUi(eve), await libredeskUi(lia)];
    const outsider = await createAgent(s.t, b, { permissions: [...ALL] });
    const stranger = await libredeskUi(outsider, b);
    await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, { message: "<p>mine</p>", private: true });
    expect((await bob.client.put(`/api/v1/conversations/${conv.uuid}/status`, { status: "Closed" })).status).toBe(200);
    await lias.next(prop(conv.uuid, "status"));
    await settle();
    expect(objects(eves)).toEqual([]);
    expect(objects(stranger)).toEqual([]);
  });

  it("loses a conversation's pushes when it is assigned away from an agent who saw it only as the assignee", async () => {
    const conv = await createConversation(s.t, a, { assignedUserId: eve.id });
    const eves = await libredeskUi(eve);
    expect(
      (await bob.client.put(`/api/v1/conversations/${conv.uuid}/assignee/user`, { assignee_id: bob.id })).status,
    ).toBe(200);
    await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, { message: "<p>after</p>", private: true });
    await settle(300);
    expect(objects(eves).filter((f) => f.data?.uuid === conv.uuid || f.data?.conversation_uuid === conv.uuid)).toEqual(
      [],
    );
  });
});

describe("HelperIQ's dialect alongside", () => {
  it("an API-key client still gets conversation_update for every conversation it can see, message_update and new_message only for what it subscribed to or is concerned by", async () => {
    const conv = await createConversation(s.t, a);
    const [subscribed, bystander, ui] = [
      await helperiqClient(a.admin.creds.bearer!),
      await helperiqClient(lia.apiKey),
      await libredeskUi(lia),
    ];
    subscribed.send({ type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    await subscribed.next((f) => f.type === "conversation_subscribed");
    const sent = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>both</p>",
      private: true,
    });
    expect(
      (await subscribed.next((f) => f.type === "new_message" && f.data.uuid === sent.body.data.uuid)).data,
    ).toEqual(sent.body.data);
    const update = await subscribed.next((f) => f.type === "conversation_update" && f.data.uuid === conv.uuid);
    expect(update.data).toMatchObject({ uuid: conv.uuid, last_message: "both", last_message_sender_type: "agent" });
    // The same agent's LibreDesk-dialect tab gets it unsubscribed; her HelperIQ-dialect connection gets only
    // the change (for her lists), not the message.
    await ui.next((f) => f.type === "new_message" && f.data.uuid === sent.body.data.uuid);
    await settle();
    expect(objects(bystander)).toEqual([update]);
    expect(subscribed.of("conversation_prop_update")).toEqual([]);
  });

  it("`?dialect=` overrides the default either way", async () => {
    const conv = await createConversation(s.t, a);
    const browserAsked = await libredeskUi(lia, a, "/ws?dialect=helperiq");
    const keyAsked = await helperiqClient(lia.apiKey, "/ws?dialect=libredesk");
    browserAsked.send({ type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    await browserAsked.next((f) => f.type === "conversation_subscribed");
    expect((await bob.client.put(`/api/v1/conversations/${conv.uuid}/status`, { status: "Resolved" })).status).toBe(
      200,
    );
    expect(
      (await browserAsked.next((f) => f.type === "conversation_update" && f.data.uuid === conv.uuid)).data,
    ).toMatchObject({ status: "Resolved" });
    expect((await keyAsked.next(prop(conv.uuid, "status"))).data.value).toBe("Resolved");
    await settle();
    expect(browserAsked.of("conversation_prop_update")).toEqual([]);
  });

  it("refuses an unknown dialect with 400 naming the parameter", async () => {
    const refused = await WsClient.refusal(s.port, a.host, { path: "/ws?dialect=klingon", headers: auth(lia.apiKey) });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toEqual({
      data: { message: "dialect: must be one of helperiq, libredesk", type: "InputError" },
    });
  });
});
