import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { createDynamoRateCounter } from "@helperiq/adapters/ratelimit/dynamodb";
import { rateKey, rateKeyOfTenant } from "@helperiq/core/tenant/rate-key";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The DynamoDB rate counter against dynalite, with the table shape of infra/ratelimit.ts. */

const TABLE = "helperiq-test-RateCounters";
const WINDOW = 60;
let server: Server;
let client: DynamoDBClient;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  while ((await client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus !== "ACTIVE") {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
});

afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

let seq = 0;
const uniqueKey = (label: string) => `rl:auth:${label}:${++seq}`;
/** 12:00:05 UTC on some day: 55 seconds left in its window. */
const AT = new Date("2026-11-24T12:00:05Z");
const later = (seconds: number) => new Date(AT.getTime() + seconds * 1000);

describe("createDynamoRateCounter", () => {
  it("counts 50 concurrent hits exactly once each", async () => {
    const counter = createDynamoRateCounter({ tableName: TABLE, client });
    const key = uniqueKey("burst");
    const hits = await Promise.all(Array.from({ length: 50 }, () => counter.hit(key, WINDOW, AT)));
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(hits.map((h) => h.resetAt.toISOString()))).toEqual(new Set(["2026-11-24T12:01:00.000Z"]));
  });

  it("starts a new window at 1 when the minute turns", async () => {
    const counter = createDynamoRateCounter({ tableName: TABLE, client });
    const key = uniqueKey("window");
    await counter.hit(key, WINDOW, AT);
    expect((await counter.hit(key, WINDOW, later(54))).count).toBe(2);
    const next = await counter.hit(key, WINDOW, later(55));
    expect(next).toEqual({ count: 1, resetAt: new Date("2026-11-24T12:02:00Z") });
  });

  it("keeps keys apart, including the same IP in two workspaces", async () => {
    const counter = createDynamoRateCounter({ tableName: TABLE, client });
    const [a, b] = [uniqueKey("one"), uniqueKey("two")];
    await counter.hit(a, WINDOW, AT);
    await counter.hit(a, WINDOW, AT);
    expect((await counter.hit(b, WINDOW, AT)).count).toBe(1);
    expect((await counter.hit(a, WINDOW, AT)).count).toBe(3);

    await counter.hit("rl:auth:1:203.0.113.9", WINDOW, AT);
    await counter.hit("rl:auth:1:203.0.113.9", WINDOW, AT);
    expect((await counter.hit("rl:auth:2:203.0.113.9", WINDOW, AT)).count).toBe(1);
  });

  it("forgets one workspace's counters (a purge), IPv6 keys included, and no other's", async () => {
    const counter = createDynamoRateCounter({ tableName: TABLE, client });
    await counter.hit(rateKey("rl", "auth", 901, "2001:db8::901:1"), WINDOW, AT);
    await counter.hit(rateKey("acct", "sign-in", 901, "abc", 60), WINDOW, later(70));
    await counter.hit(rateKey("rl", "auth", 9011, "2001:db8::901:1"), WINDOW, AT);
    await counter.hit(rateKey("rl", "auth", 902, "::901:"), WINDOW, AT);
    expect(await counter.forget(rateKeyOfTenant(901))).toBe(2);
    expect((await counter.hit(rateKey("rl", "auth", 901, "2001:db8::901:1"), WINDOW, AT)).count).toBe(1);
    expect((await counter.hit(rateKey("rl", "auth", 9011, "2001:db8::901:1"), WINDOW, AT)).count).toBe(2);
    expect((await counter.hit(rateKey("rl", "auth", 902, "::901:"), WINDOW, AT)).count).toBe(2);
  });

  it("stamps the TTL attribute past the window's end", async () => {
    const counter = createDynamoRateCounter({ tableName: TABLE, client });
    const key = uniqueKey("ttl");
    await counter.hit(key, WINDOW, AT);
    await counter.hit(key, WINDOW, later(30));
    const windowStart = Date.parse("2026-11-24T12:00:00Z") / 1000;
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `${key}@${windowStart}` } } }),
    );
    expect(Item?.count?.N).toBe("2");
    expect(Number(Item?.expires_at?.N)).toBeGreaterThan(windowStart + WINDOW);
  });

  it("rejects when DynamoDB cannot be reached, leaving the decision to the caller", async () => {
    const unreachable = new DynamoDBClient({
      endpoint: "http://127.0.0.1:1",
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
      maxAttempts: 1,
    });
    try {
      const counter = createDynamoRateCounter({ tableName: TABLE, client: unreachable });
      await expect(counter.hit(uniqueKey("down"), WINDOW, AT)).rejects.toThrow();
    } finally {
      unreachable.destroy();
    }
  });
});
