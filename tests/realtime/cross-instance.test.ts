import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAgent,
  createConversation,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";
import {
  auth,
  serverDatabase,
  settle,
  startTestServer,
  WsClient,
  type ServerUnderTest,
  type SharedDb,
} from "./support.ts";

/**
 * Two embedded server processes' worth of stacks (two `startServer`s, each with its own bus, hub and relay
 * connection) on one PostgreSQL database: each delivers the other's events, once.
 */
const onPg = (process.env.TEST_DB ?? "pglite") === "pg";

describe.runIf(onPg)("realtime across instances (PostgreSQL LISTEN/NOTIFY)", () => {
  let db: SharedDb;
  let one: ServerUnderTest;
  let two: ServerUnderTest;
  let a: TestTenant;
  let b: TestTenant;
  let bob: TestAgent;
  const open: WsClient[] = [];
  const connect = async (s: ServerUnderTest, apiKey: string, host = a.host) => {
    const c = await WsClient.open(s.port, host, { headers: auth(apiKey) });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await serverDatabase();
    one = await startTestServer(db);
    two = await startTestServer(db);
    a = await createTenant(one.t);
    b = await createTenant(one.t);
    bob = await createAgent(one.t, a, {
      permissions: ["conversations:read", "conversations:read_assigned", "messages:read", "messages:write"],
      firstName: "Bob",
    });
  });

  afterAll(async () => {
    for (const c of open) c.ws.terminate();
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it("delivers a message written through one instance to connections on both, exactly once each", async () => {
    const conv = await createConversation(one.t, a, { assignedUserId: bob.id });
    const [onOne, onTwo, stranger] = await Promise.all([
      connect(one, bob.apiKey),
      connect(two, bob.apiKey),
      connect(two, b.admin.creds.bearer!, b.host),
    ]);
    const sent = await a.admin.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>across</p>",
      private: true,
    });
    expect(sent.status).toBe(201);
    const isIt = (f: { type: string; data: any }) => f.type === "new_message" && f.data.uuid === sent.body.data.uuid;
    expect((await onOne.next(isIt)).data).toEqual(sent.body.data);
    expect((await onTwo.next(isIt)).data).toEqual(sent.body.data);
    await onTwo.next((f) => f.type === "conversation_update" && f.data.uuid === conv.uuid);
    await settle(500);
    expect(onOne.of("new_message").filter((f) => f.data.uuid === sent.body.data.uuid)).toHaveLength(1);
    expect(onTwo.of("new_message").filter((f) => f.data.uuid === sent.body.data.uuid)).toHaveLength(1);
    expect(stranger.frames).toEqual([]);
  });

  it("relays presence and typing between instances", async () => {
    const conv = await createConversation(one.t, a, { assignedUserId: bob.id });
    const viewer = await connect(one, a.admin.creds.bearer!);
    const watcher = await connect(two, bob.apiKey);
    watcher.send({ type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    await watcher.next((f) => f.type === "conversation_subscribed");
    viewer.send({ type: "view_conversation", data: { conversation_uuid: conv.uuid } });
    const shown = await watcher.next(
      (f) => f.type === "presence_update" && f.data.conversation_uuid === conv.uuid && f.data.viewers.length === 1,
    );
    expect(shown.data.viewers).toEqual([{ user_id: a.adminId, first_name: "Ada" }]);
    viewer.send({ type: "typing", data: { conversation_uuid: conv.uuid, is_typing: true, is_private_message: false } });
    const typing = await watcher.next((f) => f.type === "typing");
    expect(typing.data).toMatchObject({
      conversation_uuid: conv.uuid,
      is_typing: true,
      sender: { type: "agent", user_id: a.adminId },
    });
    await viewer.close();
    await watcher.next(
      (f) => f.type === "presence_update" && f.data.conversation_uuid === conv.uuid && f.data.viewers.length === 0,
    );
  });

  it("relays an event too large for NOTIFY by reloading its changed fields on the receiving instance", async () => {
    const conv = await createConversation(one.t, a, { assignedUserId: bob.id });
    const note = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>short</p>",
      private: true,
    });
    const onTwo = await connect(two, bob.apiKey);
    const long = `<p>${"word ".repeat(4000)}</p>`;
    const edited = await bob.client.put(`/api/v1/conversations/${conv.uuid}/messages/${note.body.data.uuid}/note`, {
      message: long,
    });
    expect(edited.status).toBe(200);
    const update = await onTwo.next((f) => f.type === "message_update" && f.data.uuid === note.body.data.uuid);
    expect(update.data.content).toBe(edited.body.data.content);
    expect(update.data.text_content).toBe(edited.body.data.text_content);
    expect(update.data.content.length).toBeGreaterThan(8000);
  });

  it("plans each event in the receiving connection's dialect: LibreDesk's per-field frames, unsubscribed, on the other instance", async () => {
    const conv = await createConversation(one.t, a, { assignedUserId: bob.id });
    const ui = await WsClient.open(two.port, a.host, {
      path: "/ws?dialect=libredesk",
      headers: auth(a.admin.creds.bearer!),
    });
    open.push(ui);
    expect((await a.admin.put(`/api/v1/conversations/${conv.uuid}/priority`, { priority: "Low" })).status).toBe(200);
    const frame = await ui.next(
      (f) => f.type === "conversation_prop_update" && f.data.uuid === conv.uuid && f.data.prop === "priority",
    );
    expect(frame.data).toEqual({ uuid: conv.uuid, prop: "priority", value: "Low" });
    // Too large for NOTIFY: the receiving instance reloads the value, then splits it into props as well.
    const note = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>short</p>",
      private: true,
    });
    const edited = await bob.client.put(`/api/v1/conversations/${conv.uuid}/messages/${note.body.data.uuid}/note`, {
      message: `<p>${"term ".repeat(4000)}</p>`,
    });
    const content = await ui.next(
      (f) => f.type === "message_prop_update" && f.data.uuid === note.body.data.uuid && f.data.prop === "content",
    );
    expect(content.data.value).toBe(edited.body.data.content);
  });
});

describe.skipIf(onPg)("realtime across instances", () => {
  it.skip("needs a PostgreSQL server (TEST_DB=pg): PGlite serves one process, whose in-process bus is the whole hub", () => {});
});
