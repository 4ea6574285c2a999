import { eq } from "drizzle-orm";
import { resumeWorkspace, suspendWorkspace } from "@helperiq/core/platform/lifecycle";
import { users } from "@helperiq/core/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAgent,
  createConversation,
  createInbox,
  createTeam,
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
  type ServerUnderTest,
  type SharedDb,
} from "./support.ts";

/** The agent WebSocket on the embedded server, through real sockets. */

let db: SharedDb;
let s: ServerUnderTest;
let a: TestTenant;
let b: TestTenant;
let bob: TestAgent; // the assignee (two tabs)
let carol: TestAgent; // member of the assigned team
let dave: TestAgent; // follower, no team, no assignment
let eve: TestAgent; // sees only her own assignments: not this conversation
let team: { id: number };
const open: WsClient[] = [];
const READ = ["conversations:read", "messages:read"] as const;

const key = (tenant: TestTenant) => tenant.admin.creds.bearer!;
const connect = async (apiKey: string, host = a.host) => {
  const client = await WsClient.open(s.port, host, { headers: auth(apiKey) });
  open.push(client);
  return client;
};
const subscribe = async (client: WsClient, uuid: string) => {
  client.send({ type: "conversation_subscribe", data: { conversation_uuid: uuid } });
  await client.next((f) => f.type === "conversation_subscribed" && f.data.conversation_uuid === uuid);
};

beforeAll(async () => {
  db = await serverDatabase();
  s = await startTestServer(db);
  a = await createTenant(s.t);
  b = await createTenant(s.t);
  bob = await createAgent(s.t, a, {
    permissions: [...READ, "conversations:read_assigned", "messages:write", "conversations:write"],
    firstName: "Bob",
  });
  carol = await createAgent(s.t, a, { permissions: [...READ, "conversations:read_team_all"], firstName: "Carol" });
  dave = await createAgent(s.t, a, { permissions: [...READ], firstName: "Dave" });
  eve = await createAgent(s.t, a, { permissions: [...READ, "conversations:read_assigned"], firstName: "Eve" });
  team = await createTeam(s.t, a, [carol.id]);
});

afterAll(async () => {
  for (const c of open) c.ws.terminate();
  await s?.close();
  await db?.drop();
});

describe("GET /ws: authentication", () => {
  it("accepts an API key of the workspace and answers ping with pong", async () => {
    const client = await connect(bob.apiKey);
    client.send("ping");
    expect(await client.wait((f) => f === "pong")).toBe("pong");
  });

  it("accepts the session cookie, from no Origin or the workspace's own, and refuses a foreign Origin (403)", async () => {
    const session = await a.anonymous.login(bob.email, bob.password);
    const cookies = cookie(session.creds.cookies!);
    const plain = await WsClient.open(s.port, a.host, { headers: cookies });
    open.push(plain);
    const sameOrigin = await WsClient.open(s.port, a.host, { headers: { ...cookies, origin: `https://${a.host}` } });
    open.push(sameOrigin);
    sameOrigin.send("ping");
    await sameOrigin.wait((f) => f === "pong");
    const hijack = await WsClient.refusal(s.port, a.host, { headers: { ...cookies, origin: "https://evil.example" } });
    expect(hijack.status).toBe(403);
    expect(JSON.parse(hijack.body)).toEqual({
      data: { message: "Cross-origin WebSocket refused", type: "PermissionError" },
    });
  });

  it("refuses the upgrade with 401 without credentials, with a bad key or cookie, and with another workspace's key", async () => {
    expect((await WsClient.refusal(s.port, a.host)).status).toBe(401);
    expect((await WsClient.refusal(s.port, a.host, { headers: auth("lk_not-a-key") })).status).toBe(401);
    expect((await WsClient.refusal(s.port, a.host, { headers: { cookie: "helperiq_session=forged" } })).status).toBe(
      401,
    );
    const foreign = await WsClient.refusal(s.port, a.host, { headers: auth(key(b)) });
    expect(foreign.status).toBe(401);
    expect(JSON.parse(foreign.body).data.type).toBe("AuthError");
    // A session of workspace A is no identity on B's host either.
    const session = await a.anonymous.login(bob.email, bob.password);
    expect((await WsClient.refusal(s.port, b.host, { headers: cookie(session.creds.cookies!) })).status).toBe(401);
  });

  it("refuses both WebSocket paths of a suspended workspace with 403 and the operator's reason, before any credential", async () => {
    const c = await createTenant(s.t);
    const deps = { db: s.t.database.db, clock: s.t.clock, sockets: s.server.realtime };
    await suspendWorkspace(deps, c.slug, "Trial ended");
    for (const [path, headers] of [
      ["/ws", auth(key(c))],
      ["/widget/ws?token=wt_anything", {}],
    ] as const) {
      const refused = await WsClient.refusal(s.port, c.host, { path, headers });
      expect(refused.status, path).toBe(403);
      expect(JSON.parse(refused.body).data, path).toEqual({
        type: "PermissionError",
        message: "This workspace is suspended: Trial ended",
      });
    }
    await resumeWorkspace(deps, c.slug);
    (await connect(key(c), c.host)).send("ping");
  });

  it("answers 404 for unknown paths and hosts that are no workspace", async () => {
    expect((await WsClient.refusal(s.port, a.host, { path: "/nope", headers: auth(bob.apiKey) })).status).toBe(404);
    expect((await WsClient.refusal(s.port, "nobody.helperiq.test", { headers: auth(bob.apiKey) })).status).toBe(404);
  });
});

describe("client frames", () => {
  it("ping updates the agent's last_active_at", async () => {
    const agent = await createAgent(s.t, a, { permissions: [...READ] });
    const before = await s.t.database.db.select({ at: users.lastActiveAt }).from(users).where(eq(users.id, agent.id));
    expect(before[0]!.at).toBeNull();
    const client = await connect(agent.apiKey);
    client.send("ping");
    await client.wait((f) => f === "pong");
    await settle(100);
    const [after] = await s.t.database.db.select({ at: users.lastActiveAt }).from(users).where(eq(users.id, agent.id));
    expect(after!.at).toBeInstanceOf(Date);
    expect(Date.now() - after!.at!.getTime()).toBeLessThan(10_000);
  });

  it("answers malformed, unknown and incomplete frames with non-fatal errors", async () => {
    const client = await connect(key(a));
    client.send("{not json");
    expect((await client.next((f) => f.type === "error")).data).toBe("invalid message format");
    client.send({ type: "dance", data: {} });
    await client.wait((f) => typeof f === "object" && f.type === "error" && f.data === "unknown message type");
    client.send({ type: "conversation_subscribe", data: {} });
    await client.wait((f) => typeof f === "object" && f.type === "error" && f.data === "conversation_uuid is required");
    client.send({ type: "typing", data: { conversation_uuid: "" } });
    await client.wait((f) => typeof f === "object" && f.type === "error" && f.data === "conversation_uuid is required");
    client.send([1, 2]);
    await client.wait((f) => typeof f === "object" && f.type === "error" && f.data === "invalid message format");
    // Still open and serving.
    client.send("ping");
    await client.wait((f) => f === "pong");
  });

  it("refuses subscribing to another workspace's or an invisible conversation, like REST's 404", async () => {
    const theirs = await createConversation(s.t, b);
    const hidden = await createConversation(s.t, a, { assignedUserId: bob.id });
    const client = await connect(key(a));
    client.send({ type: "conversation_subscribe", data: { conversation_uuid: theirs.uuid } });
    await client.wait((f) => typeof f === "object" && f.type === "error" && f.data === "conversation not found");
    const eves = await connect(eve.apiKey);
    eves.send({ type: "conversation_subscribe", data: { conversation_uuid: hidden.uuid } });
    await eves.wait((f) => typeof f === "object" && f.type === "error" && f.data === "conversation not found");
  });

  it("keeps one subscription per connection: a new one replaces the old", async () => {
    const first = await createConversation(s.t, a);
    const second = await createConversation(s.t, a);
    const admin = await connect(key(a));
    await subscribe(admin, first.uuid);
    await subscribe(admin, second.uuid);
    const watcher = await connect(key(a));
    await subscribe(watcher, first.uuid);
    await a.admin.post(`/api/v1/conversations/${first.uuid}/messages`, {
      message: "<p>to the first</p>",
      private: true,
    });
    await watcher.next((f) => f.type === "new_message" && f.data.conversation_uuid === first.uuid);
    await a.admin.post(`/api/v1/conversations/${second.uuid}/messages`, {
      message: "<p>to the second</p>",
      private: true,
    });
    await admin.next((f) => f.type === "new_message" && f.data.conversation_uuid === second.uuid);
    expect(admin.of("new_message").filter((f) => f.data.conversation_uuid === first.uuid)).toEqual([]);
  });
});

describe("fan-out", () => {
  it("sends new_message and conversation_update to subscribers, every tab of the assignee, team members and followers, and nothing to whoever cannot see it", async () => {
    const conv = await createConversation(s.t, a, { assignedUserId: bob.id, assignedTeamId: team.id });
    expect((await a.admin.post(`/api/v1/conversations/${conv.uuid}/followers`, { user_id: dave.id })).status).toBe(200);
    const [bob1, bob2, carols, daves, eves, admin, stranger] = await Promise.all([
      connect(bob.apiKey),
      connect(bob.apiKey),
      connect(carol.apiKey),
      connect(dave.apiKey),
      connect(eve.apiKey),
      connect(key(a)),
      connect(key(b), b.host),
    ]);
    await subscribe(admin, conv.uuid);
    const sent = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>On it</p>",
      private: true,
    });
    expect(sent.status).toBe(201);
    const isIt = (f: { type: string; data: any }) => f.type === "new_message" && f.data.uuid === sent.body.data.uuid;
    for (const client of [bob1, bob2, carols, daves, admin]) {
      expect((await client.next(isIt)).data).toEqual(sent.body.data);
      const update = await client.next(
        (f) => f.type === "conversation_update" && f.data.uuid === conv.uuid && "last_message" in f.data,
      );
      expect(update.data).toMatchObject({ uuid: conv.uuid, last_message: "On it", last_message_sender_type: "agent" });
      expect(Object.keys(update.data).sort()).toEqual([
        "last_message",
        "last_message_at",
        "last_message_sender_type",
        "uuid",
      ]);
    }
    await settle();
    expect(eves.frames.filter((f) => typeof f === "object")).toEqual([]);
    expect(stranger.frames).toEqual([]);
  });

  it("needs the read permission of the push: conversations:read for changes, messages:read for messages", async () => {
    const conv = await createConversation(s.t, a);
    const noMessages = await createAgent(s.t, a, { permissions: ["conversations:read", "conversations:read_all"] });
    const noConversations = await createAgent(s.t, a, { permissions: ["messages:read", "conversations:read_all"] });
    const [c1, c2, admin] = await Promise.all([
      connect(noMessages.apiKey),
      connect(noConversations.apiKey),
      connect(key(a)),
    ]);
    c1.send({ type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    await c1.next((f) => f.type === "conversation_subscribed");
    // Subscribing needs conversations:read, like GET /conversations/{uuid}.
    c2.send({ type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    await c2.next((f) => f.type === "error" && f.data === "conversation not found");
    await subscribe(admin, conv.uuid);
    const sent = await a.admin.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>perm</p>",
      private: true,
    });
    await c1.next((f) => f.type === "conversation_update" && f.data.uuid === conv.uuid);
    await admin.next((f) => f.type === "new_message" && f.data.uuid === sent.body.data.uuid);
    await settle();
    expect(c1.of("new_message")).toEqual([]);
  });

  it("pushes a conversation change with only the changed fields, honouring visibility after the change", async () => {
    const conv = await createConversation(s.t, a, { assignedUserId: bob.id });
    const [bobs, eves] = await Promise.all([connect(bob.apiKey), connect(eve.apiKey)]);
    expect(
      (await a.admin.put(`/api/v1/conversations/${conv.uuid}/assignee/user`, { assignee_id: eve.id })).status,
    ).toBe(200);
    // Eve now sees it (assigned to her); Bob no longer does and gets nothing.
    const update = await eves.next((f) => f.type === "conversation_update" && f.data.uuid === conv.uuid);
    expect(update.data).toEqual({ uuid: conv.uuid, assigned_user_id: eve.id });
    const notified = await eves.next((f) => f.type === "new_notification");
    expect(notified.data).toMatchObject({ type: "assigned", conversation_uuid: conv.uuid, read_at: null });
    const listed = await eve.client.get("/api/v1/notifications");
    expect(listed.body.data.results[0]).toEqual(notified.data);
    await settle();
    expect(bobs.of("conversation_update").filter((f) => f.data.uuid === conv.uuid)).toEqual([]);
  });

  it("sends a conversation change to every agent of the workspace who can see it, concerned or not, in both dialects; messages stay with the concerned", async () => {
    const conv = await createConversation(s.t, a, { assignedUserId: bob.id });
    // Frank sees everything but is neither assignee, team member, follower, mentioned nor subscribed.
    const frank = await createAgent(s.t, a, { permissions: [...READ, "conversations:read_all"], firstName: "Frank" });
    const rival = await createAgent(s.t, b, { permissions: [...READ, "conversations:read_all"] });
    const [franks, franksLibredesk, admin, eves, rivals] = await Promise.all([
      connect(frank.apiKey),
      WsClient.open(s.port, a.host, { path: "/ws?dialect=libredesk", headers: auth(frank.apiKey) }),
      connect(key(a)),
      connect(eve.apiKey),
      connect(rival.apiKey, b.host),
    ]);
    open.push(franksLibredesk);
    expect((await a.admin.put(`/api/v1/conversations/${conv.uuid}/status`, { status: "Resolved" })).status).toBe(200);
    const isStatus = (f: { type: string; data: any }) =>
      f.type === "conversation_update" && f.data.uuid === conv.uuid && f.data.status === "Resolved";
    for (const client of [franks, franksLibredesk, admin]) await client.next(isStatus);
    await franksLibredesk.next(
      (f) =>
        f.type === "conversation_prop_update" &&
        f.data.uuid === conv.uuid &&
        f.data.prop === "status" &&
        f.data.value === "Resolved",
    );
    // A reply's preview reaches Frank's list row; its body (new_message) does not reach his HelperIQ connection.
    const sent = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>Reopening soon</p>",
      private: true,
    });
    expect(sent.status).toBe(201);
    const preview = await franks.next(
      (f) => f.type === "conversation_update" && f.data.uuid === conv.uuid && "last_message" in f.data,
    );
    expect(preview.data).toMatchObject({ last_message: "Reopening soon", last_message_sender_type: "agent" });
    await franksLibredesk.next((f) => f.type === "new_message" && f.data.uuid === sent.body.data.uuid);
    await settle();
    expect(franks.of("new_message")).toEqual([]);
    // Eve's role shows only her own assignments; the other workspace sees nothing of this one.
    expect(eves.frames.filter((f) => typeof f === "object" && JSON.stringify(f).includes(conv.uuid))).toEqual([]);
    expect(rivals.frames).toEqual([]);
  });

  it("sends new_conversation, as its list row, to every agent who can see it", async () => {
    const inbox = await createInbox(s.t, a);
    const [admin, eves, stranger] = await Promise.all([connect(key(a)), connect(eve.apiKey), connect(key(b), b.host)]);
    const created = await a.admin.post("/api/v1/conversations", {
      inbox_id: inbox.id,
      contact: { first_name: "Nia", email: "nia@example.org" },
      subject: "Realtime please",
      message: "<p>hello</p>",
    });
    expect(created.status).toBe(201);
    const frame = await admin.next((f) => f.type === "new_conversation" && f.data.uuid === created.body.data.uuid);
    const row = (await a.admin.get("/api/v1/conversations/all?page_size=100")).body.data.results.find(
      (r: { uuid: string }) => r.uuid === created.body.data.uuid,
    );
    expect(frame.data).toEqual(row);
    await settle();
    expect(eves.of("new_conversation")).toEqual([]);
    expect(stranger.frames).toEqual([]);
  });

  it("pushes new_notification of a mention to every connection of the mentioned agent only", async () => {
    const conv = await createConversation(s.t, a, { assignedUserId: bob.id });
    const [dave1, dave2, carols] = await Promise.all([
      connect(dave.apiKey),
      connect(dave.apiKey),
      connect(carol.apiKey),
    ]);
    const sent = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>look</p>",
      private: true,
      mentions: [dave.id],
    });
    expect(sent.status).toBe(201);
    for (const c of [dave1, dave2]) {
      const n = await c.next((f) => f.type === "new_notification" && f.data.conversation_uuid === conv.uuid);
      expect(n.data).toMatchObject({ type: "mention", actor: { id: bob.id, first_name: "Bob" } });
      // Mentioned, Dave now sees the conversation and its messages.
      await c.next((f) => f.type === "new_message" && f.data.uuid === sent.body.data.uuid);
    }
    await settle();
    expect(carols.of("new_notification").filter((f) => f.data.conversation_uuid === conv.uuid)).toEqual([]);
  });
});

describe("presence and typing", () => {
  it("announces viewers to the workspace's agents who can see the conversation, and clears a closed connection's presence", async () => {
    const conv = await createConversation(s.t, a, { assignedUserId: bob.id });
    const [bobs, eves, stranger] = await Promise.all([
      connect(bob.apiKey),
      connect(eve.apiKey),
      connect(key(b), b.host),
    ]);
    const viewer = await connect(key(a));
    viewer.send({ type: "view_conversation", data: { conversation_uuid: conv.uuid } });
    const shown = await bobs.next(
      (f) => f.type === "presence_update" && f.data.conversation_uuid === conv.uuid && f.data.viewers.length === 1,
    );
    expect(shown.data.viewers).toEqual([{ user_id: a.adminId, first_name: "Ada" }]);
    await viewer.close();
    const cleared = await bobs.wait(
      (f) => typeof f === "object" && f.type === "presence_update" && f.data.conversation_uuid === conv.uuid,
    );
    expect((cleared as { data: unknown }).data).toEqual({ conversation_uuid: conv.uuid, viewers: [] });
    await settle();
    expect(eves.of("presence_update").filter((f) => f.data.conversation_uuid === conv.uuid)).toEqual([]);
    expect(stranger.frames).toEqual([]);
  });

  it("an empty conversation_uuid clears this connection's presence", async () => {
    const conv = await createConversation(s.t, a, { assignedUserId: bob.id });
    const bobs = await connect(bob.apiKey);
    const viewer = await connect(key(a));
    viewer.send({ type: "view_conversation", data: { conversation_uuid: conv.uuid } });
    await bobs.next(
      (f) => f.type === "presence_update" && f.data.conversation_uuid === conv.uuid && f.data.viewers.length === 1,
    );
    viewer.send({ type: "view_conversation", data: { conversation_uuid: "" } });
    await bobs.next(
      (f) => f.type === "presence_update" && f.data.conversation_uuid === conv.uuid && f.data.viewers.length === 0,
    );
  });

  it("relays an agent's typing to the other agents subscribed to the conversation, not back to its own connection", async () => {
    const conv = await createConversation(s.t, a, { assignedUserId: bob.id });
    const [typist, admin, eves] = await Promise.all([connect(bob.apiKey), connect(key(a)), connect(eve.apiKey)]);
    await subscribe(typist, conv.uuid);
    await subscribe(admin, conv.uuid);
    typist.send({ type: "typing", data: { conversation_uuid: conv.uuid, is_typing: true, is_private_message: true } });
    const typing = await admin.next((f) => f.type === "typing");
    expect(typing.data).toEqual({
      conversation_uuid: conv.uuid,
      is_typing: true,
      is_private_message: true,
      sender: { type: "agent", user_id: bob.id },
    });
    await settle();
    expect(typist.of("typing")).toEqual([]);
    expect(eves.of("typing")).toEqual([]);
  });
});

describe("slow consumers", () => {
  it("drops a connection that stops reading, while the others keep receiving everything", async () => {
    const slowDatabase = await serverDatabase();
    cleanup.push(slowDatabase);
    const slowServer = await startTestServer(slowDatabase, { WS_MAX_BUFFERED_BYTES: "1048576" });
    cleanup.push({ drop: () => slowServer.close() });
    const tenant = await createTenant(slowServer.t);
    const conv = await createConversation(slowServer.t, tenant);
    const big = `<p>${"x".repeat(60_000)}</p>`;
    const note = await tenant.admin.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: big,
      private: true,
    });
    expect(note.status).toBe(201);
    const slow = await WsClient.open(slowServer.port, tenant.host, { headers: auth(key(tenant)) });
    const fast = await WsClient.open(slowServer.port, tenant.host, { headers: auth(key(tenant)) });
    open.push(slow, fast);
    await subscribe(slow, conv.uuid);
    await subscribe(fast, conv.uuid);
    // The slow client stops reading its socket.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const N = 300; // at most 300 × 60 KB: far beyond the kernel's socket buffers
    const event = {
      type: "new_message" as const,
      tenantId: tenant.id,
      conversationUuid: conv.uuid,
      messageUuid: note.body.data.uuid,
    };
    // One event at a time, the next only once the fast client has read the last: the fast client's backlog never
    // exceeds one frame however loaded the machine is, while the slow one's grows by 60 KB per event.
    // Once the slow one is dropped, 20 more events show the fast one still gets each.
    let sent = 0;
    let afterDrop = 0;
    while (sent < N && afterDrop < 20) {
      await slowServer.server.realtime.deliver(event);
      sent++;
      while (fast.of("new_message").length < sent) await fast.wait(() => true, 10_000);
      if (slowServer.server.realtime.stats().dropped > 0) afterDrop++;
    }
    await slowServer.server.realtime.idle();
    expect(afterDrop).toBe(20);
    expect(fast.of("new_message")).toHaveLength(sent);
    expect(fast.ws.readyState).toBe(fast.ws.OPEN);
    expect(slowServer.server.realtime.stats().dropped).toBe(1);
    expect(slowServer.server.realtime.stats().connections).toBe(1);
  });
});

const cleanup: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c.drop();
});
