import { createWidgetSession } from "@helperiq/core/widget/session";
import { inboxes, users } from "@helperiq/core/schema";
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

/** `/widget/ws`: visitors on the same hub, authenticated by their widget session token. */

let db: SharedDb;
let s: ServerUnderTest;
let a: TestTenant;
let b: TestTenant;
let bob: TestAgent;
let visitor: { id: number; token: string; inboxId: number };
let otherVisitor: { id: number; token: string };
const open: WsClient[] = [];

async function visitorOf(tenant: TestTenant, inboxId?: number) {
  const database = s.t.database.db;
  const inbox =
    inboxId ??
    (
      await database
        .insert(inboxes)
        .values({ tenantId: tenant.id, name: `Chat ${Math.random()}`, channel: "livechat", from: "" })
        .returning()
    )[0]!.id;
  const [contact] = await database
    .insert(users)
    .values({ tenantId: tenant.id, type: "visitor", firstName: "Vera", lastName: "" })
    .returning();
  const { token } = await createWidgetSession(database, {
    tenantId: tenant.id,
    inboxId: inbox,
    contactId: contact!.id,
    now: new Date(),
  });
  return { id: contact!.id, token, inboxId: inbox };
}

const openVisitor = async (token: string, host = a.host) => {
  const c = await WsClient.open(s.port, host, { path: `/widget/ws?token=${encodeURIComponent(token)}` });
  open.push(c);
  return c;
};

beforeAll(async () => {
  db = await serverDatabase();
  s = await startTestServer(db);
  a = await createTenant(s.t);
  b = await createTenant(s.t);
  bob = await createAgent(s.t, a, {
    permissions: [
      "conversations:read",
      "conversations:read_assigned",
      "messages:read",
      "messages:write",
      "conversations:write",
    ],
    firstName: "Bob",
    email: "bob.agent@helpdesk.example",
  });
  visitor = await visitorOf(a);
  otherVisitor = await visitorOf(a, visitor.inboxId);
});

afterAll(async () => {
  for (const c of open) c.ws.terminate();
  await s?.close();
  await db?.drop();
});

describe("GET /widget/ws", () => {
  it("needs a live widget session token of the workspace (query or subprotocol)", async () => {
    expect((await WsClient.refusal(s.port, a.host, { path: "/widget/ws" })).status).toBe(401);
    expect((await WsClient.refusal(s.port, a.host, { path: "/widget/ws?token=wt_forged" })).status).toBe(401);
    // An agent's API key is no widget session.
    expect((await WsClient.refusal(s.port, a.host, { path: `/widget/ws?token=${bob.apiKey}` })).status).toBe(401);
    // A session of workspace A is nothing on B's host.
    expect((await WsClient.refusal(s.port, b.host, { path: `/widget/ws?token=${visitor.token}` })).status).toBe(401);
    const viaQuery = await openVisitor(visitor.token);
    viaQuery.send("ping");
    await viaQuery.wait((f) => f === "pong");
    const viaProtocol = await WsClient.open(s.port, a.host, { path: "/widget/ws", protocols: [visitor.token] });
    open.push(viaProtocol);
    expect(viaProtocol.ws.protocol).toBe(visitor.token);
  });

  it("refuses a page outside the inbox's allowed domains (403), as the widget's REST routes do", async () => {
    const [shop] = await s.t.database.db
      .insert(inboxes)
      .values({
        tenantId: a.id,
        name: "Shop chat",
        channel: "livechat",
        from: "",
        config: { allowed_domains: ["shop.example.com", "*.shop.example.com"] },
      })
      .returning();
    const shopper = await visitorOf(a, shop!.id);
    const path = `/widget/ws?token=${encodeURIComponent(shopper.token)}`;
    const refused = await WsClient.refusal(s.port, a.host, { path, headers: { origin: "https://evil.example" } });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).data).toMatchObject({ type: "PermissionError" });
    // A page the inbox names opens it; so does a subdomain of a wildcard entry.
    for (const origin of ["https://shop.example.com", "https://eu.shop.example.com:8443"]) {
      const ok = await WsClient.open(s.port, a.host, { path, headers: { origin } });
      open.push(ok);
      ok.send("ping");
      await ok.wait((f) => f === "pong");
    }
  });

  it("pushes agent replies of the visitor's own conversations, without private notes, meta or agent emails", async () => {
    const conv = await createConversation(s.t, a, { contactId: visitor.id, assignedUserId: bob.id });
    const [mine, theirs] = await Promise.all([openVisitor(visitor.token), openVisitor(otherVisitor.token)]);
    const note = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>internal</p>",
      private: true,
    });
    expect(note.status).toBe(201);
    const reply = await bob.client.post(`/api/v1/conversations/${conv.uuid}/messages`, {
      message: "<p>Hello Vera</p>",
      to: ["vera@example.org"],
    });
    expect(reply.status).toBe(201);
    const frame = await mine.next((f) => f.type === "new_message");
    expect(frame.data).toMatchObject({
      uuid: reply.body.data.uuid,
      conversation_uuid: conv.uuid,
      type: "outgoing",
      text_content: "Hello Vera",
      author: { id: bob.id, type: "agent", first_name: "Bob" },
    });
    expect(frame.data).not.toHaveProperty("meta");
    const text = JSON.stringify(mine.frames);
    expect(text).not.toContain("bob.agent@helpdesk.example");
    expect(text).not.toContain("vera@example.org");
    expect(text).not.toContain("internal");
    await settle();
    expect(mine.of("new_message")).toHaveLength(1);
    expect(mine.of("conversation_update")).toEqual([]);
    expect(theirs.frames).toEqual([]);
  });

  it("relays agent typing to the visitor (with the agent's name) unless it is a private note, and visitor typing to subscribed agents", async () => {
    const conv = await createConversation(s.t, a, { contactId: visitor.id, assignedUserId: bob.id });
    const widget = await openVisitor(visitor.token);
    const agent = await WsClient.open(s.port, a.host, { headers: auth(bob.apiKey) });
    open.push(agent);
    agent.send({ type: "conversation_subscribe", data: { conversation_uuid: conv.uuid } });
    await agent.next((f) => f.type === "conversation_subscribed");
    agent.send({ type: "typing", data: { conversation_uuid: conv.uuid, is_typing: true, is_private_message: true } });
    agent.send({ type: "typing", data: { conversation_uuid: conv.uuid, is_typing: true, is_private_message: false } });
    const typing = await widget.next((f) => f.type === "typing");
    // Who is typing, as the widget names the agent on replies; never the private note's typing.
    expect(typing.data).toEqual({
      conversation_uuid: conv.uuid,
      is_typing: true,
      agent: { first_name: "Bob", last_name: "Smith", avatar_url: null },
    });
    await settle();
    expect(widget.of("typing")).toHaveLength(1);

    widget.send({ type: "typing", data: { conversation_uuid: conv.uuid, is_typing: true } });
    const fromVisitor = await agent.next((f) => f.type === "typing" && f.data.sender.type === "contact");
    expect(fromVisitor.data).toEqual({
      conversation_uuid: conv.uuid,
      is_typing: true,
      is_private_message: false,
      sender: { type: "contact" },
    });
  });

  it("refuses typing in someone else's conversation and agent-only frames", async () => {
    const foreign = await createConversation(s.t, a, { contactId: otherVisitor.id });
    const widget = await openVisitor(visitor.token);
    widget.send({ type: "typing", data: { conversation_uuid: foreign.uuid, is_typing: true } });
    await widget.wait((f) => typeof f === "object" && f.type === "error" && f.data === "conversation not found");
    widget.send({ type: "conversation_subscribe", data: { conversation_uuid: foreign.uuid } });
    await widget.wait((f) => typeof f === "object" && f.type === "error" && f.data === "unknown message type");
  });
});
