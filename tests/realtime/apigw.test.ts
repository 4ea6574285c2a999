import type { ConnectionRegistry } from "@helperiq/adapters/realtime/registry";
import { suspendWorkspace } from "@helperiq/core/platform/lifecycle";
import { inboxes, users } from "@helperiq/core/schema";
import { createWidgetSession } from "@helperiq/core/widget/session";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connect, disconnect, message, type WsDeps, type WsEvent } from "../../functions/ws/handler.ts";
import { startApiGatewayHarness, type ApiGatewayHarness } from "../support/apigw.ts";
import { apiGatewayWsDeps } from "../support/apigw-ws.ts";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createTeam,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

/**
 * The API Gateway path: the `$connect`/`$disconnect`/`$default` Lambdas invoked directly with API Gateway
 * WebSocket events, the connection registry on dynalite, and the Management API replaced by a local HTTP
 * server that records every PostToConnection (and answers 410 Gone for connections marked gone).
 */

let aws: ApiGatewayHarness;
let posts: ApiGatewayHarness["posts"];
let gone: ApiGatewayHarness["gone"];
let t: TestApp;
let deps: WsDeps;
let registry: ConnectionRegistry;
let a: TestTenant;
let b: TestTenant;
let bob: TestAgent;
let eve: TestAgent;
let carol: TestAgent;

let seq = 0;
const newId = () => `conn${++seq}=`;
const event = (id: string, routeKey: string, extra: Partial<WsEvent> = {}): WsEvent => ({
  requestContext: { connectionId: id, routeKey },
  ...extra,
});
const framesTo = (id: string) =>
  posts.filter((p) => p.id === id).map((p) => (p.text === "pong" ? p.text : JSON.parse(p.text)));

async function open(host: string, headers: Record<string, string>): Promise<string> {
  const id = newId();
  const res = await connect(deps, event(id, "$connect", { headers: { Host: host, ...headers } }));
  expect(res.statusCode).toBe(200);
  return id;
}
const send = (id: string, frame: unknown) =>
  message(deps, event(id, "$default", { body: typeof frame === "string" ? frame : JSON.stringify(frame) }));
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

beforeAll(async () => {
  aws = await startApiGatewayHarness();
  ({ posts, gone } = aws);
  t = await bootTestApp();
  deps = apiGatewayWsDeps(t, aws);
  registry = deps.registry;
  a = await createTenant(t);
  b = await createTenant(t);
  bob = await createAgent(t, a, {
    permissions: ["conversations:read", "conversations:read_assigned", "messages:read", "messages:write"],
    firstName: "Bob",
  });
  eve = await createAgent(t, a, {
    permissions: ["conversations:read", "conversations:read_assigned", "messages:read"],
    firstName: "Eve",
  });
  carol = await createAgent(t, a, {
    permissions: ["conversations:read", "conversations:read_team_all", "messages:read"],
    firstName: "Carol",
  });
});

afterAll(async () => {
  await t?.close();
  await aws?.close();
});

beforeEach(() => {
  posts.length = 0;
});

describe("$connect", () => {
  it("registers an agent authenticated by API key or session cookie", async () => {
    const id = await open(a.host, bearer(bob.apiKey));
    expect(await registry.get(id)).toMatchObject({
      id,
      tenantId: a.id,
      kind: "agent",
      userId: bob.id,
      firstName: "Bob",
    });
    const session = await a.anonymous.login(bob.email, bob.password);
    const cookie = Object.entries(session.creds.cookies!)
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
    const viaCookie = await open(a.host, { Cookie: cookie, Origin: `https://${a.host}` });
    expect(await registry.get(viaCookie)).toMatchObject({ userId: bob.id });
  });

  it("refuses an agent or a visitor of a suspended workspace with 403 and the operator's reason, registering nothing", async () => {
    const c = await createTenant(t);
    await suspendWorkspace({ db: t.database.db, clock: t.clock, sockets: deps.realtime }, c.slug, "Trial ended");
    for (const headers of [bearer(c.admin.creds.bearer!), {}]) {
      const id = newId();
      const res = await connect(
        deps,
        event(id, "$connect", { headers: { Host: c.host, ...headers }, queryStringParameters: { token: "wt_any" } }),
      );
      expect(res.statusCode).toBe(403);
      expect(JSON.parse(res.body!).data).toEqual({
        type: "PermissionError",
        message: "This workspace is suspended: Trial ended",
      });
      expect(await registry.get(id)).toBeNull();
    }
  });

  it("refuses missing and foreign credentials (401), a foreign Origin with a cookie (403) and unknown hosts (404), registering nothing", async () => {
    const refused = async (host: string, headers: Record<string, string>) => {
      const id = newId();
      const res = await connect(deps, event(id, "$connect", { headers: { Host: host, ...headers } }));
      expect(await registry.get(id)).toBeNull();
      return res.statusCode;
    };
    expect(await refused(a.host, {})).toBe(401);
    expect(await refused(a.host, bearer("lk_nope"))).toBe(401);
    expect(await refused(a.host, bearer(b.admin.creds.bearer!))).toBe(401);
    const session = await a.anonymous.login(bob.email, bob.password);
    const cookie = Object.entries(session.creds.cookies!)
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
    expect(await refused(a.host, { Cookie: cookie, Origin: "https://evil.example" })).toBe(403);
    expect(await refused("nowhere.example.org", bearer(bob.apiKey))).toBe(404);
    // A widget token that is no live session of this workspace.
    const id = newId();
    const res = await connect(
      deps,
      event(id, "$connect", { headers: { Host: a.host }, queryStringParameters: { token: "wt_forged" } }),
    );
    expect(res.statusCode).toBe(401);
    expect(await registry.get(id)).toBeNull();
  });
});

describe("$default", () => {
  it("answers ping with pong and stamps last_active_at; malformed frames get error frames", async () => {
    const id = await open(a.host, bearer(eve.apiKey));
    await send(id, "ping");
    expect(framesTo(id)).toEqual(["pong"]);
    const [row] = await t.database.db.select({ at: users.lastActiveAt }).from(users).where(eq(users.id, eve.id));
    expect(row!.at).toBeInstanceOf(Date);
    await send(id, "{oops");
    await send(id, { type: "nope" });
    await send(id, { type: "conversation_subscribe", data: {} });
    expect(framesTo(id).slice(1)).toEqual([
      { type: "error", data: "invalid message format" },
      { type: "error", data: "unknown message type" },
      { type: "error", data: "conversation_uuid is required" },
    ]);
  });

  it("subscribes (one per connection, replaced) and refuses conversations the agent cannot see", async () => {
    const mine = await createConversation(t, a, { assignedUserId: bob.id });
    const other = await createConversation(t, a, { assignedUserId: bob.id });
    const id = await open(a.host, bearer(a.admin.creds.bearer!));
    await send(id, { type: "conversation_subscribe", data: { conversation_uuid: mine.uuid } });
    await send(id, { type: "conversation_subscribe", data: { conversation_uuid: other.uuid } });
    expect(framesTo(id)).toEqual([
      { type: "conversation_subscribed", data: { conversation_uuid: mine.uuid } },
      { type: "conversation_subscribed", data: { conversation_uuid: other.uuid } },
    ]);
    expect((await registry.directory.subscribers(a.id, mine.uuid)).map((c) => c.id)).toEqual([]);
    expect((await registry.directory.subscribers(a.id, other.uuid)).map((c) => c.id)).toEqual([id]);
    const eves = await open(a.host, bearer(eve.apiKey));
    await send(eves, { type: "conversation_subscribe", data: { conversation_uuid: mine.uuid } });
    expect(framesTo(eves)).toEqual([{ type: "error", data: "conversation not found" }]);
  });
});

describe("fan-out through the Management API", () => {
  it("posts a REST-made message to subscribers, the assignee's connections and team members; not to others or other workspaces", async () => {
    const team = await createTeam(t, a, [carol.id]);
    const conv = await createConversation(t, a, { assignedUserId: bob.id, assignedTeamId: team.id });
    const [bob1, bob2, carols, eves, admin, stranger] = [
      await open(a.host, bearer(bob.apiKey)),
      await open(a.host, bearer(bob.apiKey)),
      await open(a.host, bearer(carol.apiKey)),
      await open(a.host, bearer(eve.apiKey)),
      await open(a.host, bearer(a.admin.creds.bearer!)),
      await open(b.host, bearer(b.admin.creds.bearer!)),
    ];
    await send(admin, { type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    posts.length = 0;
    const from = t.published.length;
    const sent = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>from a Lambda</p>",
      private: true,
    });
    expect(sent.status).toBe(201);
    // What the HTTP family's Lambda publishes after commit, through the API Gateway adapter.
    await deps.realtime.events.publish(t.published.slice(from));
    for (const id of [bob1, bob2, carols, admin]) {
      const frames = framesTo(id);
      expect(frames.find((f) => f.type === "new_message")?.data).toEqual(sent.body.data);
      expect(frames.find((f) => f.type === "conversation_update")?.data).toMatchObject({
        uuid: conv.uuid,
        last_message: "from a Lambda",
      });
    }
    expect(framesTo(eves)).toEqual([]);
    expect(framesTo(stranger)).toEqual([]);
  });

  it("removes a connection API Gateway answers 410 Gone for, and still posts to the others", async () => {
    const conv = await createConversation(t, a, { assignedUserId: bob.id });
    const dead = await open(a.host, bearer(bob.apiKey));
    const alive = await open(a.host, bearer(bob.apiKey));
    gone.add(dead);
    await deps.realtime.events.publish([
      { type: "conversation_update", tenantId: a.id, conversationUuid: conv.uuid, changes: { subject: "x" } },
    ]);
    expect(framesTo(alive)).toEqual([{ type: "conversation_update", data: { uuid: conv.uuid, subject: "x" } }]);
    expect(await registry.get(dead)).toBeNull();
    expect((await registry.directory.ofUsers(a.id, [bob.id])).map((c) => c.id)).not.toContain(dead);
  });

  it("keeps presence in the registry: view_conversation announces viewers, $disconnect clears them", async () => {
    const conv = await createConversation(t, a, { assignedUserId: bob.id });
    const watcher = await open(a.host, bearer(bob.apiKey));
    const eves = await open(a.host, bearer(eve.apiKey));
    const viewer = await open(a.host, bearer(a.admin.creds.bearer!));
    await send(viewer, { type: "view_conversation", data: { conversation_uuid: conv.uuid } });
    expect(framesTo(watcher)).toContainEqual({
      type: "presence_update",
      data: { conversation_uuid: conv.uuid, viewers: [{ user_id: a.adminId, first_name: "Ada" }] },
    });
    posts.length = 0;
    await disconnect(deps, event(viewer, "$disconnect"));
    expect(framesTo(watcher)).toContainEqual({
      type: "presence_update",
      data: { conversation_uuid: conv.uuid, viewers: [] },
    });
    expect(await registry.get(viewer)).toBeNull();
    expect(framesTo(eves)).toEqual([]);
  });

  it("relays an agent's typing to the other subscribers", async () => {
    const conv = await createConversation(t, a, { assignedUserId: bob.id });
    const typist = await open(a.host, bearer(bob.apiKey));
    const admin = await open(a.host, bearer(a.admin.creds.bearer!));
    await send(admin, { type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    await send(typist, { type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    posts.length = 0;
    await send(typist, { type: "typing", data: { conversation_uuid: conv.uuid, is_typing: true } });
    expect(framesTo(admin)).toEqual([
      {
        type: "typing",
        data: {
          conversation_uuid: conv.uuid,
          is_typing: true,
          is_private_message: false,
          sender: { type: "agent", user_id: bob.id },
        },
      },
    ]);
    expect(framesTo(typist)).toEqual([]);
  });
});

describe("LibreDesk's dialect through the registry", () => {
  /** LibreDesk's UI: a page of the workspace opening the socket with its session cookie. */
  const browser = async (agent: TestAgent, extra: Partial<WsEvent> = {}, tenant = a) => {
    const session = await tenant.anonymous.login(agent.email, agent.password);
    const cookie = Object.entries(session.creds.cookies!)
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
    const id = newId();
    const res = await connect(
      deps,
      event(id, "$connect", {
        headers: { Host: tenant.host, Cookie: cookie, Origin: `https://${tenant.host}` },
        ...extra,
      }),
    );
    expect(res.statusCode).toBe(200);
    return id;
  };

  it("registers a browser session in LibreDesk's dialect, an API key (or ?dialect=helperiq) in HelperIQ's, and refuses an unknown dialect", async () => {
    const ui = await browser(carol);
    expect(await registry.get(ui)).toMatchObject({ kind: "agent", userId: carol.id, dialect: "libredesk" });
    expect((await registry.directory.listeners(a.id)).map((c) => c.id)).toContain(ui);
    const asked = await browser(carol, { queryStringParameters: { dialect: "helperiq" } });
    expect(await registry.get(asked)).toMatchObject({ dialect: "helperiq" });
    const keyed = await open(a.host, bearer(carol.apiKey));
    expect(await registry.get(keyed)).toMatchObject({ dialect: "helperiq" });
    expect((await registry.directory.listeners(a.id)).map((c) => c.id)).not.toContain(keyed);
    const id = newId();
    const res = await connect(
      deps,
      event(id, "$connect", {
        headers: { Host: a.host, ...bearer(carol.apiKey) },
        queryStringParameters: { dialect: "v2" },
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!)).toEqual({
      data: { message: "dialect: must be one of helperiq, libredesk", type: "InputError" },
    });
    expect(await registry.get(id)).toBeNull();
  });

  it("posts conversation_prop_update and new_message to a LibreDesk connection that never subscribed, keeping visibility and tenancy", async () => {
    const admin = await createAgent(t, a, {
      permissions: ["conversations:read", "conversations:read_all", "messages:read"],
      firstName: "Lia",
    });
    const conv = await createConversation(t, a, { assignedUserId: bob.id });
    const [ui, eves, helperiq] = [await browser(admin), await browser(eve), await open(a.host, bearer(admin.apiKey))];
    const outsider = await createAgent(t, b, {
      permissions: ["conversations:read", "conversations:read_all", "messages:read"],
    });
    const stranger = await browser(outsider, {}, b);
    posts.length = 0;
    const from = t.published.length;
    const sent = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>via Lambda</p>",
      private: true,
    });
    expect(sent.status).toBe(201);
    await deps.realtime.events.publish(t.published.slice(from));
    const frames = framesTo(ui);
    expect(frames.find((f) => f.type === "new_message")?.data).toMatchObject({
      conversation_uuid: conv.uuid,
      uuid: sent.body.data.uuid,
      content: "via Lambda",
      sender_type: "agent",
    });
    expect(frames).toContainEqual({
      type: "conversation_prop_update",
      data: { uuid: conv.uuid, prop: "last_message", value: "via Lambda" },
    });
    expect(frames.find((f) => f.type === "conversation_update")?.data).toMatchObject({
      uuid: conv.uuid,
      last_message: "via Lambda",
    });
    // The same agent's HelperIQ-dialect connection (not concerned, not subscribed) gets the change for its
    // lists, not the message; Eve (cannot see it) and workspace B get nothing.
    expect(framesTo(helperiq)).toEqual([frames.find((f) => f.type === "conversation_update")]);
    expect(framesTo(eves)).toEqual([]);
    expect(framesTo(stranger)).toEqual([]);
    posts.length = 0;
    await deps.realtime.events.publish([
      {
        type: "message_update",
        tenantId: a.id,
        conversationUuid: conv.uuid,
        messageUuid: sent.body.data.uuid,
        changes: { status: "sent" },
      },
    ]);
    expect(framesTo(ui)).toContainEqual({
      type: "message_prop_update",
      data: { conversation_uuid: conv.uuid, uuid: sent.body.data.uuid, prop: "status", value: "sent" },
    });
    expect(framesTo(ui).find((f) => f.type === "message_update")?.data).toMatchObject({
      conversation_uuid: conv.uuid,
      uuid: sent.body.data.uuid,
      status: "sent",
    });
    expect(framesTo(ui)).toHaveLength(2);
    // Its later UI's list frame is accepted without an answer.
    await send(ui, { type: "list_subscribe_replace", data: { uuids: [conv.uuid] } });
    expect(framesTo(ui)).toHaveLength(2);
    expect(framesTo(eves)).toEqual([]);
  });
});

describe("widget visitors", () => {
  it("registers a visitor by widget session token and posts them the agent replies of their own conversations only", async () => {
    const [inbox] = await t.database.db
      .insert(inboxes)
      .values({ tenantId: a.id, name: "Chat", channel: "livechat", from: "" })
      .returning();
    const [vera] = await t.database.db
      .insert(users)
      .values({ tenantId: a.id, type: "visitor", firstName: "Vera", lastName: "" })
      .returning();
    const { token } = await createWidgetSession(t.database.db, {
      tenantId: a.id,
      inboxId: inbox!.id,
      contactId: vera!.id,
      now: new Date(),
    });
    const id = newId();
    const res = await connect(
      deps,
      event(id, "$connect", { headers: { Host: a.host, "Sec-WebSocket-Protocol": token } }),
    );
    expect(res).toMatchObject({ statusCode: 200, headers: { "Sec-WebSocket-Protocol": token } });
    expect(await registry.get(id)).toMatchObject({ kind: "visitor", contactId: vera!.id, tenantId: a.id });
    const conv = await createConversation(t, a, { contactId: vera!.id, assignedUserId: bob.id });
    const from = t.published.length;
    await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, { message: "<p>secret</p>", private: true });
    const reply = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>Hi Vera</p>",
      to: ["vera@example.org"],
    });
    expect(reply.status).toBe(201);
    posts.length = 0;
    await deps.realtime.events.publish(t.published.slice(from));
    const frames = framesTo(id);
    expect(frames.map((f) => f.type)).toEqual(["new_message"]);
    expect(frames[0].data).toMatchObject({
      uuid: reply.body.data.uuid,
      type: "outgoing",
      author: { first_name: "Bob" },
    });
    expect(JSON.stringify(frames)).not.toContain(bob.email);
    await send(id, { type: "typing", data: { conversation_uuid: conv.uuid, is_typing: true } });
    await send(id, { type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    expect(framesTo(id).slice(1)).toEqual([{ type: "error", data: "unknown message type" }]);
  });
});
