import { conversations } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCron } from "../../functions/cron/run.ts";
import { connect, message, type WsDeps, type WsEvent } from "../../functions/ws/handler.ts";
import { LOCAL_AWS, startApiGatewayHarness, type ApiGatewayHarness } from "../support/apigw.ts";
import { apiGatewayWsDeps } from "../support/apigw-ws.ts";
import { setProcessEnv } from "../support/process-env.ts";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

/**
 * The wake-snoozed cron as the cloud runs it (functions/cron/run.ts: CRON_JOB's job with the ports its
 * environment links), on the test database: a woken conversation reaches an agent's WebSocket registered
 * in the API Gateway registry (dynalite), posted through the Management API (a local recorder).
 */

let aws: ApiGatewayHarness;
let t: TestApp;
let ws: WsDeps;
let a: TestTenant;
let bob: TestAgent;
let restoreEnv: () => void = () => undefined;

let seq = 0;
const event = (id: string, routeKey: string, extra: Partial<WsEvent> = {}): WsEvent => ({
  requestContext: { connectionId: id, routeKey },
  ...extra,
});
const framesTo = (id: string) => aws.posts.filter((p) => p.id === id).map((p) => JSON.parse(p.text));

/** Bob's agent connection, registered by `$connect` and subscribed to `uuid`. */
async function bobWatching(uuid: string): Promise<string> {
  const id = `cron${++seq}=`;
  expect(
    (await connect(ws, event(id, "$connect", { headers: { Host: a.host, Authorization: `Bearer ${bob.apiKey}` } })))
      .statusCode,
  ).toBe(200);
  await message(
    ws,
    event(id, "$default", {
      body: JSON.stringify({ type: "conversation_subscribe", data: { conversation_uuid: uuid } }),
    }),
  );
  expect(framesTo(id)).toEqual([{ type: "conversation_subscribed", data: { conversation_uuid: uuid } }]);
  aws.posts.length = 0;
  return id;
}

/** A conversation of Bob's, snoozed until a minute ago (the cron runs on the system clock). */
async function dueSnooze() {
  const conv = await createConversation(t, a, { assignedUserId: bob.id });
  expect(
    (await a.admin.put(`/api/v1/conversations/${conv.uuid}/status`, { status: "Snoozed", snoozed_until: "1h" })).status,
  ).toBe(200);
  await t.database.db
    .update(conversations)
    .set({ snoozedUntil: new Date(Date.now() - 60_000) })
    .where(eq(conversations.id, conv.id));
  return conv;
}

beforeAll(async () => {
  aws = await startApiGatewayHarness();
  // The registry the cron composes itself (functions/ws/realtime.ts) finds dynalite through the SDK's environment.
  restoreEnv = setProcessEnv({
    AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoEndpoint,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  });
  t = await bootTestApp();
  ws = apiGatewayWsDeps(t, aws);
  a = await createTenant(t);
  bob = await createAgent(t, a, {
    permissions: ["conversations:read", "conversations:read_assigned", "messages:read"],
    firstName: "Bob",
  });
});

afterAll(async () => {
  await t?.close();
  await aws?.close();
  restoreEnv();
});

describe("the wake-snoozed cron in the cloud", () => {
  it("says so, and pushes nothing, in a function infra did not link to the registry", async () => {
    const conv = await dueSnooze();
    const watcher = await bobWatching(conv.uuid);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      expect(await runCron("wake-snoozed", t.database, {})).toEqual({ woken: 1 });
      expect(warn.mock.calls.flat().join(" ")).toMatch(/WS_TABLE\/WS_ENDPOINT not set: 2 event\(s\) not pushed/);
    } finally {
      warn.mockRestore();
    }
    expect(framesTo(watcher)).toEqual([]);
  });

  it("pushes the reopened conversation and its activity to the agent's WebSocket through the API Gateway registry", async () => {
    const conv = await dueSnooze();
    const watcher = await bobWatching(conv.uuid);
    const env = { WS_TABLE: aws.table, WS_ENDPOINT: aws.endpoint };
    expect(await runCron("wake-snoozed", t.database, env)).toEqual({ woken: 1 });
    const frames = framesTo(watcher);
    expect(frames).toContainEqual({
      type: "conversation_update",
      data: { uuid: conv.uuid, status: "Open", snoozed_until: null },
    });
    expect(frames).toContainEqual(
      expect.objectContaining({
        type: "new_message",
        data: expect.objectContaining({ conversation_uuid: conv.uuid, text_content: "Reopened after snooze" }),
      }),
    );
    // Woken once: a second run finds nothing due and posts nothing.
    aws.posts.length = 0;
    expect(await runCron("wake-snoozed", t.database, env)).toEqual({ woken: 0 });
    expect(framesTo(watcher)).toEqual([]);
  });
});
