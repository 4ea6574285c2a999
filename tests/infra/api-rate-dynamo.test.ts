import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDynamoRateCounter } from "@helperiq/adapters/ratelimit/dynamodb";
import { createApp, FAMILIES } from "@helperiq/api";
import { tenants } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, Client, type TestApp } from "../support/app.ts";
import { createTenant } from "../support/factories.ts";

/**
 * A workspace's API requests per minute in the Lambda runtime: each family's function is its own container
 * with the DynamoDB rate table (RATE_TABLE, infra/api.ts), so the limit holds across containers, and one
 * workspace at its limit leaves another's requests served.
 */
const TABLE = "RateCounters";
let t: TestApp;
let server: Server;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  t = await bootTestApp();
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  dynamo = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  });
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
});
afterAll(async () => {
  dynamo?.destroy();
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

describe("API requests per minute on DynamoDB counters", () => {
  it("counts across two containers of the agents function; workspace A at its limit, B still served", async () => {
    // Two warm containers of functions/http/agents.ts, each with its own counter client on the one table.
    const container = () =>
      createApp({ ...t.deps, rateCounter: createDynamoRateCounter({ tableName: TABLE, client: dynamo }) }, [
        FAMILIES.agents,
      ]);
    const [one, two] = [container(), container()];
    const a = await createTenant(t);
    const b = await createTenant(t);
    for (const w of [a, b])
      await t.database.db
        .update(tenants)
        .set({ limits: { api_requests_per_minute: 4 } })
        .where(eq(tenants.id, w.id));
    const on = (app: typeof one, w: typeof a) => new Client({ ...t, app }, w.host, w.admin.creds);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await on(i % 2 ? two : one, a).get("/api/v1/agents/me")).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    for (const app of [one, two]) {
      const over = await on(app, a).get("/api/v1/agents/me");
      expect(over.status).toBe(429);
      expect(over.body.data.message).toMatch(/^This workspace's plan allows 4 API requests per minute per API key/);
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // B, on the same containers and table, is untouched by A's minute.
    for (const app of [one, two, one]) expect((await on(app, b).get("/api/v1/agents/me")).status).toBe(200);
  });
});
