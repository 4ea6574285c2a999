import { noSockets } from "@helperiq/adapters/realtime/no-sockets";
import { suspendWorkspace } from "@helperiq/core/platform/lifecycle";
import { WORKSPACE_CLOSE } from "@helperiq/core/port/workspace-sockets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DOMAIN } from "../support/app.ts";
import { createConversation, createTenant, createWidgetVisitor, type TestTenant } from "../support/factories.ts";
import { auth, serverDatabase, startTestServer, WsClient, type ServerUnderTest, type SharedDb } from "./support.ts";

/**
 * A suspension (or an accepted deletion) closes the sockets opened before it, agents' and visitors' alike,
 * with a code the clients recognise; events of a suspended workspace reach nobody; a resume lets clients back.
 */

const KEY = "platform-key-for-suspension-suite";
let db: SharedDb;
let s: ServerUnderTest;
const opened: WsClient[] = [];

beforeAll(async () => {
  db = await serverDatabase();
  s = await startTestServer(db, { PLATFORM_API_KEY: KEY });
});
afterAll(async () => {
  for (const c of opened) c.ws.terminate();
  await s?.close();
  await db?.drop();
});

/** An open socket and how it ends (code and reason). */
async function open(host: string, opts: Parameters<typeof WsClient.open>[2]) {
  const client = await WsClient.open(s.port, host, opts);
  opened.push(client);
  const ended = new Promise<{ code: number; reason: string }>((resolve) =>
    client.ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return { client, ended };
}

const agentSocket = (tenant: TestTenant) => open(tenant.host, { headers: auth(tenant.admin.creds.bearer!) });

async function visitorSocket(tenant: TestTenant) {
  const { token } = await createWidgetVisitor(s.t, tenant);
  return { ...(await open(tenant.host, { path: `/widget/ws?token=${encodeURIComponent(token)}` })), token };
}

const platform = (method: string, path: string, body?: unknown) =>
  s.t.app.request(`http://${BASE_DOMAIN}/platform/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const within = <T>(p: Promise<T>, ms = 5_000) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

async function alive(client: WsClient) {
  client.send("ping");
  await client.wait((f) => f === "pong");
}

describe("suspension and open WebSockets", () => {
  it("a suspension through the platform API closes the workspace's agent and widget sockets (4403), no other's; resume lets a new socket connect", async () => {
    const c = await createTenant(s.t);
    const other = await createTenant(s.t);
    const agent = await agentSocket(c);
    const visitor = await visitorSocket(c);
    const bystander = await agentSocket(other);
    await alive(agent.client);
    await alive(visitor.client);

    const res = await platform("POST", `/workspaces/${c.slug}/suspend`, { reason: "Invoice 42 is unpaid" });
    expect(res.status).toBe(200);
    // Closed by the suspension itself, not by a later sweep.
    expect(await within(agent.ended, 1_500)).toEqual(WORKSPACE_CLOSE.suspended);
    expect(await within(visitor.ended, 1_500)).toEqual(WORKSPACE_CLOSE.suspended);
    expect(WORKSPACE_CLOSE.suspended).toEqual({ code: 4403, reason: "workspace suspended" });
    await alive(bystander.client);
    expect((await WsClient.refusal(s.port, c.host, { headers: auth(c.admin.creds.bearer!) })).status).toBe(403);
    expect(
      (await WsClient.refusal(s.port, c.host, { path: `/widget/ws?token=${encodeURIComponent(visitor.token)}` }))
        .status,
    ).toBe(403);

    expect((await platform("POST", `/workspaces/${c.slug}/resume`)).status).toBe(200);
    const again = await agentSocket(c);
    await alive(again.client);
    const visitorAgain = await open(c.host, { path: `/widget/ws?token=${encodeURIComponent(visitor.token)}` });
    await alive(visitorAgain.client);
  });

  it("an accepted deletion closes the workspace's sockets at once (4404)", async () => {
    const c = await createTenant(s.t);
    const agent = await agentSocket(c);
    const visitor = await visitorSocket(c);
    expect((await platform("DELETE", `/workspaces/${c.slug}`)).status).toBe(202);
    expect(await within(agent.ended, 1_500)).toEqual({ code: 4404, reason: "workspace deleted" });
    expect(await within(visitor.ended, 1_500)).toEqual({ code: 4404, reason: "workspace deleted" });
  });

  it("events of a workspace suspended by another process are not delivered, and the keep-alive sweep closes its sockets", async () => {
    const c = await createTenant(s.t);
    const conversation = await createConversation(s.t, c);
    const agent = await agentSocket(c);
    const event = { type: "new_conversation" as const, tenantId: c.id, conversationUuid: conversation.uuid };
    await s.server.realtime.deliver(event);
    await agent.client.next((f) => f.type === "new_conversation" && f.data.uuid === conversation.uuid);
    expect(agent.client.of("new_conversation")).toHaveLength(1);

    // As the CLI against DATABASE_URL suspends: this server's hub is not told.
    await suspendWorkspace({ db: s.t.database.db, clock: s.t.clock, sockets: noSockets }, c.slug);
    await s.server.realtime.deliver(event);
    await s.server.realtime.idle();
    expect(await within(agent.ended, 5_000)).toEqual(WORKSPACE_CLOSE.suspended);
    expect(agent.client.of("new_conversation")).toHaveLength(1);
  });
});
