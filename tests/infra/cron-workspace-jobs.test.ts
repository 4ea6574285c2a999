import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { createS3BlobStore } from "@helperiq/adapters/blob/s3";
import { createDynamoRateCounter } from "@helperiq/adapters/ratelimit/dynamodb";
import { workspaceBlobPrefix } from "@helperiq/core/platform/purge";
import { tenants, workspaceJobs } from "@helperiq/core/schema";
import { rateKey } from "@helperiq/core/tenant/rate-key";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCron } from "../../functions/cron/run.ts";
import { connect, type WsDeps } from "../../functions/ws/handler.ts";
import { LOCAL_AWS, startApiGatewayHarness, type ApiGatewayHarness } from "../support/apigw.ts";
import { apiGatewayWsDeps } from "../support/apigw-ws.ts";
import { setProcessEnv } from "../support/process-env.ts";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, type TestTenant } from "../support/factories.ts";
import { startLocalS3, type LocalS3 } from "../support/s3.ts";
import { countTenantRows, seedWorkspace } from "../support/workspace-seed.ts";

/**
 * The workspace-jobs cron as the cloud runs it (functions/cron/run.ts with the ports infra/cron.ts links):
 * a queued purge closes the workspace's API Gateway connections (registry on dynalite, DeleteConnection on
 * the local Management API), forgets its DynamoDB rate counters, deletes its S3 objects (s3rver) and rows.
 */

const RATE_TABLE = "helperiq-test-RateCounters";
let restoreEnv: () => void = () => undefined;

let aws: ApiGatewayHarness;
let s3: LocalS3;
let t: TestApp;
let ws: WsDeps;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  aws = await startApiGatewayHarness();
  s3 = await startLocalS3();
  await aws.dynamoClient.send(
    new CreateTableCommand({
      TableName: RATE_TABLE,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  // The cron composes its own clients (functions/cloud-ports.ts, ws/realtime.ts), finding the local servers here.
  restoreEnv = setProcessEnv({
    AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoEndpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  });
  t = await bootTestApp({}, undefined, undefined, createS3BlobStore({ bucket: s3.bucket, client: s3.client }));
  ws = apiGatewayWsDeps(t, aws);
  a = await createTenant(t);
  b = await createTenant(t);
  await seedWorkspace(t, a, { conversations: 2, messages: 2 });
  await seedWorkspace(t, b, { conversations: 2, messages: 2 });
});

afterAll(async () => {
  await t?.close();
  await aws?.close();
  await s3?.close();
  restoreEnv();
});

async function agentConnection(tenant: TestTenant, id: string) {
  const agent = await createAgent(t, tenant, { permissions: ["conversations:read"] });
  const res = await connect(ws, {
    requestContext: { connectionId: id, routeKey: "$connect" },
    headers: { Host: tenant.host, Authorization: `Bearer ${agent.apiKey}` },
  });
  expect(res.statusCode).toBe(200);
}

describe("the workspace-jobs cron in the cloud", () => {
  it("purges a deleted workspace: its sockets, rate counters, S3 objects and rows; the other's stay", async () => {
    await agentConnection(a, "purgeA1=");
    await agentConnection(b, "purgeB1=");
    const counters = createDynamoRateCounter({ tableName: RATE_TABLE, client: aws.dynamoClient });
    const now = new Date();
    await counters.hit(rateKey("rl", "auth", a.id, "198.51.100.7"), 3600, now);
    await counters.hit(rateKey("rl", "auth", b.id, "198.51.100.7"), 3600, now);
    const s3Store = createS3BlobStore({ bucket: s3.bucket, client: s3.client });
    expect((await s3Store.list(workspaceBlobPrefix(a.id), { limit: 100 })).length).toBe(2);
    const bObjects = await s3Store.list(workspaceBlobPrefix(b.id), { limit: 100 });
    expect(bObjects.length).toBe(2);

    await t.database.db.update(tenants).set({ status: "deleting" }).where(eq(tenants.id, a.id));
    const [job] = await t.database.db
      .insert(workspaceJobs)
      .values({ tenantId: a.id, tenantSlug: a.slug, kind: "purge", requestedBy: "platform" })
      .returning();
    const env = {
      WS_TABLE: aws.table,
      WS_ENDPOINT: aws.endpoint,
      MEDIA_BUCKET: s3.bucket,
      RATE_TABLE,
    };
    expect(await runCron("workspace-jobs", t.database, env)).toEqual({
      done: 1,
      queued: 0,
      failed: 0,
      archives_removed: 0,
    });
    const [row] = await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, job!.id));
    expect(row!.status).toBe("done");
    expect((row!.result as { deleted: Record<string, number> }).deleted).toMatchObject({
      sockets: 1,
      rate_counters: 1,
      blobs: 2,
      tenants: 1,
    });
    expect(aws.deleted).toEqual(["purgeA1="]);
    expect(await ws.registry.get("purgeA1=")).toBeNull();
    expect(await ws.registry.get("purgeB1=")).not.toBeNull();
    expect(await s3Store.list(workspaceBlobPrefix(a.id), { limit: 100 })).toEqual([]);
    expect(await s3Store.list(workspaceBlobPrefix(b.id), { limit: 100 })).toEqual(bObjects);
    expect(Object.values(await countTenantRows(t, a.id)).every((n) => n === 0)).toBe(true);
    expect((await counters.hit(rateKey("rl", "auth", b.id, "198.51.100.7"), 3600, now)).count).toBe(2);
    expect((await counters.hit(rateKey("rl", "auth", a.id, "198.51.100.7"), 3600, now)).count).toBe(1);
  });

  it("says what is missing in a function infra did not link", async () => {
    await t.database.db.update(tenants).set({ status: "deleting" }).where(eq(tenants.id, b.id));
    const [job] = await t.database.db
      .insert(workspaceJobs)
      .values({ tenantId: b.id, tenantSlug: b.slug, kind: "purge", requestedBy: "platform" })
      .returning();
    expect(await runCron("workspace-jobs", t.database, {})).toEqual({
      done: 0,
      queued: 1,
      failed: 0,
      archives_removed: 0,
    });
    const [row] = await t.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, job!.id));
    expect(row!.error).toMatch(/WS_TABLE\/WS_ENDPOINT not set/);
    expect((await countTenantRows(t, b.id)).tenants).toBe(1);
  });
});
