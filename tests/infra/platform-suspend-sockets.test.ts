import { noSockets } from "@helperiq/adapters/realtime/no-sockets";
import type { ConnectionRegistry } from "@helperiq/adapters/realtime/registry";
import { createApp, FAMILIES } from "@helperiq/api";
import { suspendWorkspace } from "@helperiq/core/platform/lifecycle";
import { SUSPENSION_SWEEP_MS } from "@helperiq/core/platform/workspace-jobs";
import { tenants } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { runCron } from "../../functions/cron/run.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type WsDeps } from "../../functions/ws/handler.ts";
import { cloudSockets } from "../../functions/ws/realtime.ts";
import { LOCAL_AWS, startApiGatewayHarness, type ApiGatewayHarness } from "../support/apigw.ts";
import { apiGatewayWsDeps } from "../support/apigw-ws.ts";
import { setProcessEnv } from "../support/process-env.ts";
import { BASE_DOMAIN, bootTestApp, type TestApp } from "../support/app.ts";
import { createConversation, createTenant, createWidgetVisitor, type TestTenant } from "../support/factories.ts";

/**
 * Suspension in AWS: the platform function, composed with the Lambda's WorkspaceSockets (functions/ws/realtime.ts
 * on WS_TABLE and WS_ENDPOINT), drops the workspace's API Gateway connections (DeleteConnection on the local
 * Management API) and its registry rows (dynalite), agents' and visitors' alike, no other workspace's; and the
 * fan-out posts nothing for a workspace suspended by a process that closed nothing, whose sockets the
 * workspace-jobs cron closes in its next run.
 */

const KEY = "platform-key-for-the-lambda-suspension-suite";
let restoreEnv: () => void = () => undefined;

let aws: ApiGatewayHarness;
let t: TestApp;
let ws: WsDeps;
let registry: ConnectionRegistry;
let seq = 0;

beforeAll(async () => {
  aws = await startApiGatewayHarness();
  // cloudSockets composes its own DynamoDB client, finding dynalite here.
  restoreEnv = setProcessEnv({
    AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoEndpoint,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  });
  t = await bootTestApp();
  ws = apiGatewayWsDeps(t, aws);
  registry = ws.registry;
});

afterAll(async () => {
  await t?.close();
  await aws?.close();
  restoreEnv();
});

async function register(host: string, headers: Record<string, string>, query?: Record<string, string>) {
  const id = `suspend${++seq}=`;
  const res = await connect(ws, {
    requestContext: { connectionId: id, routeKey: "$connect" },
    headers: { Host: host, ...headers },
    ...(query ? { queryStringParameters: query } : {}),
  });
  expect(res.statusCode).toBe(200);
  return id;
}

const agent = (tenant: TestTenant) => register(tenant.host, { Authorization: `Bearer ${tenant.admin.creds.bearer!}` });

async function visitor(tenant: TestTenant) {
  return register(tenant.host, {}, { token: (await createWidgetVisitor(t, tenant)).token });
}

describe("suspension in AWS", () => {
  it("POST /platform/v1/workspaces/{slug}/suspend deletes the workspace's API Gateway connections and registry rows", async () => {
    const app = createApp(
      {
        ...t.deps,
        sockets: cloudSockets(t.database, { WS_TABLE: aws.table, WS_ENDPOINT: aws.endpoint }),
        config: { ...t.deps.config, platform: { apiKey: KEY } },
      },
      Object.values(FAMILIES),
    );
    const c = await createTenant(t);
    const other = await createTenant(t);
    const ids = [await agent(c), await visitor(c)];
    const bystander = await agent(other);
    aws.deleted.length = 0;

    const res = await app.request(`http://${BASE_DOMAIN}/platform/v1/workspaces/${c.slug}/suspend`, {
      method: "POST",
      headers: { host: BASE_DOMAIN, authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "Invoice 42 is unpaid" }),
    });
    expect(res.status).toBe(200);
    expect([...aws.deleted].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await registry.get(id)).toBeNull();
    expect(await registry.get(bystander)).not.toBeNull();
  });

  it("posts no event of a suspended workspace to a connection still registered", async () => {
    const c = await createTenant(t);
    const conversation = await createConversation(t, c);
    const id = await agent(c);
    const event = { type: "new_conversation" as const, tenantId: c.id, conversationUuid: conversation.uuid };
    await ws.realtime.events.publish([event]);
    expect(aws.posts.filter((p) => p.id === id)).toHaveLength(1);
    await suspendWorkspace({ db: t.database.db, clock: t.clock, sockets: noSockets }, c.slug);
    await ws.realtime.events.publish([event]);
    expect(aws.posts.filter((p) => p.id === id)).toHaveLength(1);
  });

  it("the workspace-jobs cron closes the sockets of a workspace suspended where they could not be reached (the CLI), recently", async () => {
    const c = await createTenant(t);
    const long = await createTenant(t);
    const id = await agent(c);
    const old = await agent(long);
    // As the CLI against the deployment's database suspends: no socket is reached.
    await suspendWorkspace({ db: t.database.db, clock: t.clock, sockets: noSockets }, c.slug);
    await suspendWorkspace({ db: t.database.db, clock: t.clock, sockets: noSockets }, long.slug);
    await t.database.db
      .update(tenants)
      .set({ suspendedAt: new Date(Date.now() - SUSPENSION_SWEEP_MS - 60_000) })
      .where(eq(tenants.id, long.id));
    expect(await registry.get(id)).not.toBeNull();
    aws.deleted.length = 0;
    await runCron("workspace-jobs", t.database, { WS_TABLE: aws.table, WS_ENDPOINT: aws.endpoint });
    // (the previous case's workspace, suspended the same way, goes too)
    expect(aws.deleted).toContain(id);
    expect(aws.deleted).not.toContain(old);
    expect(await registry.get(id)).toBeNull();
    // Suspended before the window: swept back then; its row here is one the handshake could not have let in.
    expect(await registry.get(old)).not.toBeNull();
  });
});
