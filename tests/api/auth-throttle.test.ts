import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDynamoRateCounter } from "@helperiq/adapters/ratelimit/dynamodb";
import { createApp, FAMILIES } from "@helperiq/api";
import dynalite from "dynalite";
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { bootTestApp, Client, TEST_IP_HEADER, type Reply, type TestApp } from "../support/app.ts";
import { createAgent, createTenant, TEST_PASSWORD, type TestAgent, type TestTenant } from "../support/factories.ts";

/**
 * Per-account throttling on top of the per-IP limit: sign-in, Google mobile sign-in, password-reset
 * requests and set-password, with the production defaults (5 a minute, 10 in 15 minutes, 20 an hour).
 */
const CLIENT_ID = "throttle-test.apps.googleusercontent.com";
const KID = "throttle-test-key";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let jwks: Server;
let googleKey: KeyLike;

beforeAll(async () => {
  const google = await generateKeyPair("RS256");
  googleKey = google.privateKey;
  const body = JSON.stringify({
    keys: [{ ...(await exportJWK(google.publicKey)), kid: KID, alg: "RS256", use: "sig" }],
  });
  jwks = createServer((_, res) => res.setHeader("content-type", "application/json").end(body));
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs`;
  // The per-IP limit as deployed (10 a minute) and the account limit's default (unset).
  t = await bootTestApp({
    authRateLimit: 10,
    accountRateLimit: undefined,
    google: { clientIds: [CLIENT_ID], jwksUrl },
  });
  a = await createTenant(t);
  b = await createTenant(t);
  vi.spyOn(console, "warn").mockImplementation(() => {}); // refused Google sign-ins are logged
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

// Every test starts on an hour boundary, so its minute, quarter-hour and hour windows open together
// (fixed windows are aligned to the clock), and no counter of an earlier test is still open.
beforeEach(() => t.clock.advance(2 * HOUR - (t.clock.now().getTime() % HOUR)));

let ipSeq = 0;
/** Five fresh client addresses: an attacker spreading guesses to stay under the per-IP limit. */
const fiveIps = () => Array.from({ length: 5 }, () => `203.0.113.${(++ipSeq % 250) + 1}`);

const login = (tenant: TestTenant, email: string, password: string, ip: string) =>
  tenant.anonymous.request("POST", "/api/v1/auth/login", { email, password }, { [TEST_IP_HEADER]: ip });

/** 5 IPs × 10 wrong guesses at one account, each IP within its own per-IP limit; the statuses, in order. */
async function spreadGuesses(tenant: TestTenant, email: string): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const ip of fiveIps())
    for (let i = 0; i < 10; i++) replies.push(await login(tenant, email, `wrong guess ${i}`, ip));
  return replies;
}

const statuses = (replies: Reply[]) => replies.map((r) => r.status);
const count = (replies: Reply[], status: number) => replies.filter((r) => r.status === status).length;

describe("password sign-in is throttled per account", () => {
  it("5 IPs × 10 guesses reach the password check 5 times, not 50; the rest get 429 with Retry-After", async () => {
    const agent = await createAgent(t, a);
    const replies = await spreadGuesses(a, agent.email);
    expect(count(replies, 401)).toBe(5);
    expect(count(replies, 429)).toBe(45);
    expect(statuses(replies.slice(0, 5))).toEqual([401, 401, 401, 401, 401]);
    const refused = replies[5]!;
    expect(refused.body).toEqual({
      data: { message: "Too many requests, please try again later", type: "RateLimitError" },
    });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Even the right password is not checked while the account is throttled…
    expect((await login(a, agent.email, TEST_PASSWORD, fiveIps()[0]!)).status).toBe(429);
    // …and works once the minute is over.
    t.clock.advance(MINUTE);
    expect((await login(a, agent.email, TEST_PASSWORD, fiveIps()[0]!)).status).toBe(200);
  });

  it("answers an unknown email exactly as a known one (statuses and Retry-After), so throttling reveals nothing", async () => {
    const agent = await createAgent(t, a);
    const known = await spreadGuesses(a, agent.email);
    const unknown = await spreadGuesses(a, "nobody-here@example.com");
    expect(statuses(unknown)).toEqual(statuses(known));
    expect(unknown.map((r) => r.headers.get("retry-after"))).toEqual(known.map((r) => r.headers.get("retry-after")));
    expect(unknown.map((r) => r.body)).toEqual(known.map((r) => r.body));
  });

  it("backs off: 5 checks a minute, 10 in a quarter hour, 20 in an hour, and never locks anyone out past the hour", async () => {
    const agent = await createAgent(t, a);
    let checked = 0;
    let longestWait = 0;
    // A guesser that keeps going for an hour, 20 guesses a minute from fresh addresses.
    for (let minute = 0; minute < 60; minute++) {
      const ips = fiveIps();
      for (let i = 0; i < 20; i++) {
        const res = await login(a, agent.email, "still guessing", ips[i % 5]!);
        if (res.status === 401) checked++;
        else longestWait = Math.max(longestWait, Number(res.headers.get("retry-after")));
      }
      if (minute === 0) expect(checked).toBe(5);
      if (minute === 14) expect(checked).toBe(10);
      t.clock.advance(MINUTE);
    }
    expect(checked).toBe(20);
    expect(longestWait).toBeGreaterThan(15 * 60); // sent to the end of the hour window…
    expect(longestWait).toBeLessThanOrEqual(60 * 60); // …and never further
    // The hour is over: the owner signs in.
    expect((await login(a, agent.email, TEST_PASSWORD, fiveIps()[0]!)).status).toBe(200);
  });

  it("counts each account on its own, per workspace, case-insensitively", async () => {
    const agent = await createAgent(t, a);
    const other = await createAgent(t, a);
    const ip = fiveIps();
    for (let i = 0; i < 5; i++) expect((await login(a, agent.email.toUpperCase(), "wrong", ip[i]!)).status).toBe(401);
    expect((await login(a, ` ${agent.email} `, TEST_PASSWORD, ip[0]!)).status).toBe(429);
    expect((await login(a, other.email, TEST_PASSWORD, ip[1]!)).status).toBe(200);
    // The same address on another workspace is another account.
    expect((await login(b, agent.email, "wrong", ip[2]!)).status).toBe(401);
  });
});

describe("Google mobile sign-in is throttled per account", () => {
  const idToken = (email: string) => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return new SignJWT({
      iss: "https://accounts.google.com",
      aud: CLIENT_ID,
      iat: now,
      exp: now + 3600,
      sub: `g-${email}`,
      email,
      email_verified: true,
    })
      .setProtectedHeader({ alg: "RS256", kid: KID })
      .sign(googleKey);
  };
  const googleSignIn = async (email: string, ip: string) =>
    a.anonymous.request(
      "POST",
      "/api/v1/auth/google-mobile",
      { id_token: await idToken(email) },
      { [TEST_IP_HEADER]: ip },
    );

  it("issues at most 5 device keys a minute for one account; other accounts and password sign-in are unaffected", async () => {
    const agent: TestAgent = await createAgent(t, a);
    const other = await createAgent(t, a);
    const ips = fiveIps();
    const replies: Reply[] = [];
    for (let i = 0; i < 8; i++) replies.push(await googleSignIn(agent.email, ips[i % 5]!));
    expect(statuses(replies)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(Number(replies[5]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await googleSignIn(other.email, ips[0]!)).status).toBe(200);
    expect((await login(a, agent.email, TEST_PASSWORD, ips[1]!)).status).toBe(200);
  });

  it("counts tokens for an unknown account like a known one", async () => {
    const ips = fiveIps();
    const replies: Reply[] = [];
    for (let i = 0; i < 7; i++) replies.push(await googleSignIn("stranger@example.com", ips[i % 5]!));
    expect(statuses(replies)).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});

describe("password reset and set-password are throttled per account and per token", () => {
  const resetFor = (email: string, ip: string) =>
    a.anonymous.request("POST", "/api/v1/agents/reset-password", { email }, { [TEST_IP_HEADER]: ip });
  const setPassword = (token: string, ip: string) =>
    a.anonymous.request(
      "POST",
      "/api/v1/agents/set-password",
      { token, password: "a fresh new passphrase" },
      { [TEST_IP_HEADER]: ip },
    );

  it("mails one account at most 5 reset links a minute, whatever the number of IPs", async () => {
    const agent = await createAgent(t, a);
    const before = t.outbox.length;
    const replies: Reply[] = [];
    for (const ip of fiveIps()) for (let i = 0; i < 3; i++) replies.push(await resetFor(agent.email, ip));
    await t.queue.drain();
    expect(count(replies, 200)).toBe(5);
    expect(count(replies, 429)).toBe(10);
    expect(t.outbox.slice(before).filter((m) => m.to.includes(agent.email))).toHaveLength(5);
  });

  it("lets one token be tried 5 times a minute, then 429; another token is counted apart", async () => {
    const ips = fiveIps();
    const replies: Reply[] = [];
    for (let i = 0; i < 7; i++) replies.push(await setPassword("guessedtoken0000000000000000000", ips[i % 5]!));
    expect(statuses(replies)).toEqual([400, 400, 400, 400, 400, 429, 429]);
    expect((await setPassword("anothertoken000000000000000000", ips[0]!)).status).toBe(400);
  });
});

describe("on the cloud's DynamoDB counters", () => {
  let server: Server;
  let dynamo: DynamoDBClient;
  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    dynamo = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    await dynamo.send(
      new CreateTableCommand({
        TableName: "RateCounters",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });
  afterAll(async () => {
    dynamo?.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("throttles the same way", async () => {
    const app = createApp(
      { ...t.deps, rateCounter: createDynamoRateCounter({ tableName: "RateCounters", client: dynamo }) },
      [FAMILIES.auth],
    );
    const client = new Client({ ...t, app }, a.host);
    const agent = await createAgent(t, a);
    const replies: Reply[] = [];
    for (const ip of fiveIps()) {
      for (let i = 0; i < 2; i++)
        replies.push(
          await client.request(
            "POST",
            "/api/v1/auth/login",
            { email: agent.email, password: "wrong" },
            { [TEST_IP_HEADER]: ip },
          ),
        );
    }
    expect(statuses(replies)).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  });
});
