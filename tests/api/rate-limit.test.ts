import { createNodeDnsResolver } from "@helperiq/adapters/dns/node-resolver";
import { createAiClients } from "@helperiq/adapters/ai/index";
import { createMahoEcommerce } from "@helperiq/adapters/ecommerce/maho";
import { createMailProbe } from "@helperiq/adapters/mail/probe";
import { createOutboundGuard } from "@helperiq/adapters/net/outbound-guard";
import { createEventBus } from "@helperiq/adapters/events/bus";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDynamoRateCounter } from "@helperiq/adapters/ratelimit/dynamodb";
import { createApp, FAMILIES } from "@helperiq/api";
import { generateKeyringSpec, parseKeyring } from "@helperiq/core/crypto/secret-box";
import { sessions } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BASE_DOMAIN, bootTestApp, Client, TEST_IP_HEADER, type TestApp } from "../support/app.ts";
import { createTenant, TEST_PASSWORD, type TestTenant } from "../support/factories.ts";

const LIMIT = 10;
let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await bootTestApp({ authRateLimit: LIMIT });
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(() => t.close());

let ipSeq = 0;
/** Each test speaks from its own addresses, so counters never carry over between tests. */
const newIp = () => `198.51.100.${++ipSeq}`;

const from = (ip: string) => ({ [TEST_IP_HEADER]: ip });
const logout = (tenant: TestTenant, ip: string) =>
  tenant.anonymous.request("POST", "/api/v1/auth/logout", {}, from(ip));

async function useUpLimit(tenant: TestTenant, ip: string) {
  for (let i = 0; i < LIMIT; i++) expect((await logout(tenant, ip)).status).toBe(200);
}

describe("the auth bucket", () => {
  it("answers the 11th login from one IP within a minute with 429, Retry-After and the error envelope", async () => {
    const ip = newIp();
    const login = (password: string) =>
      a.anonymous.request("POST", "/api/v1/auth/login", { email: a.adminEmail, password }, from(ip));
    for (let i = 1; i <= LIMIT; i++) {
      const res = await login("not the password");
      expect(res.status).toBe(401);
      expect(res.headers.get("x-ratelimit-limit")).toBe(String(LIMIT));
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(LIMIT - i));
    }
    const limited = await login(TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ data: { message: expect.any(String), type: "RateLimitError" } });
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.headers.getSetCookie()).toEqual([]);
  });

  it("counts each IP on its own", async () => {
    const ip = newIp();
    await useUpLimit(a, ip);
    expect((await logout(a, ip)).status).toBe(429);
    expect((await logout(a, newIp())).status).toBe(200);
  });

  it("counts each workspace on its own, even for the same IP", async () => {
    const ip = newIp();
    await useUpLimit(a, ip);
    expect((await logout(a, ip)).status).toBe(429);
    const other = await logout(b, ip);
    expect(other.status).toBe(200);
    expect(other.headers.get("x-ratelimit-remaining")).toBe(String(LIMIT - 1));
  });

  it("starts over when the minute has passed", async () => {
    const ip = newIp();
    await useUpLimit(a, ip);
    expect((await logout(a, ip)).status).toBe(429);
    t.clock.advance(60_000);
    expect((await logout(a, ip)).status).toBe(200);
  });

  it("is shared by every auth path: unknown ones under /api/v1/auth/ and the password reset pair", async () => {
    const ip = newIp();
    for (let i = 0; i < 4; i++) expect((await logout(a, ip)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await a.anonymous.request("GET", "/api/v1/auth/no-such-route", undefined, from(ip));
      expect(res.status).toBe(404);
      expect(res.headers.get("x-ratelimit-limit")).toBe(String(LIMIT));
    }
    for (let i = 0; i < 3; i++) {
      const res = await a.anonymous.request(
        "POST",
        "/api/v1/agents/set-password",
        { token: "x", password: "y" },
        from(ip),
      );
      expect(res.status).not.toBe(429);
    }
    const reset = await a.anonymous.request(
      "POST",
      "/api/v1/agents/reset-password",
      { email: "nobody@example.com" },
      from(ip),
    );
    expect(reset.status).toBe(429);
    expect(reset.body.data.type).toBe("RateLimitError");
  });

  it("leaves every other route alone", async () => {
    const ip = newIp();
    for (let i = 0; i < 3 * LIMIT; i++) {
      const res = await a.admin.request("GET", "/api/v1/statuses", undefined, from(ip));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBeNull();
    }
  });
});

describe("behind a proxy that sets X-Forwarded-For", () => {
  let proxied: TestApp;
  let c: TestTenant;
  beforeAll(async () => {
    proxied = await bootTestApp({ authRateLimit: LIMIT, clientIpHeader: "x-forwarded-for" });
    c = await createTenant(proxied);
  });
  afterAll(() => proxied.close());

  const via = (forwardedFor: string) => ({ "x-forwarded-for": forwardedFor, [TEST_IP_HEADER]: "10.0.0.1" });

  it("limits by the last hop: a spoofed first entry does not evade the limit", async () => {
    for (let i = 0; i < LIMIT; i++) {
      const res = await c.anonymous.request("POST", "/api/v1/auth/logout", {}, via(`192.0.2.${i}, 203.0.113.50`));
      expect(res.status).toBe(200);
    }
    const spoofed = await c.anonymous.request("POST", "/api/v1/auth/logout", {}, via("192.0.2.99, 203.0.113.50"));
    expect(spoofed.status).toBe(429);
    const otherClient = await c.anonymous.request("POST", "/api/v1/auth/logout", {}, via("203.0.113.51"));
    expect(otherClient.status).toBe(200);
  });

  it("records the last hop as the session's address", async () => {
    const res = await c.anonymous.request(
      "POST",
      "/api/v1/auth/login",
      { email: c.adminEmail, password: TEST_PASSWORD },
      via("192.0.2.1, 203.0.113.60"),
    );
    expect(res.status).toBe(200);
    const rows = await proxied.database.db
      .select({ ip: sessions.ip })
      .from(sessions)
      .where(eq(sessions.tenantId, c.id));
    expect(rows.map((r) => r.ip)).toEqual(["203.0.113.60"]);
  });
});

describe("when the counter store is down", () => {
  it("lets requests through (fails open) and logs the failure", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const dynamo = new DynamoDBClient({
      endpoint: "http://127.0.0.1:1",
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
      maxAttempts: 1,
    });
    try {
      const app = createApp(
        {
          database: t.database,
          clock: t.clock,
          queue: t.queue,
          rateCounter: createDynamoRateCounter({ tableName: "RateCounters", client: dynamo }),
          events: createEventBus(),
          sockets: t.deps.sockets,
          secrets: parseKeyring(generateKeyringSpec()),
          blobs: t.blobs,
          ecommerce: createMahoEcommerce({ clock: t.clock, guard: createOutboundGuard() }),
          ai: createAiClients(),
          mailProbe: createMailProbe({ guard: createOutboundGuard() }),
          outbound: createOutboundGuard(),
          dns: createNodeDnsResolver(),
          remoteAddress: () => "198.51.100.200",
          config: {
            appName: "HelperIQ",
            secureCookies: false,
            trustForwardedHost: false,
            authRateLimit: LIMIT,
            widgetRateLimit: LIMIT,
            google: { clientIds: [], jwksUrl: "http://127.0.0.1:1/unused" },
            tenantRouting: { baseDomain: BASE_DOMAIN },
          },
        },
        [FAMILIES.auth],
      );
      const client = new Client({ ...t, app }, a.host);
      for (let i = 0; i < LIMIT + 2; i++) expect((await client.post("/api/v1/auth/logout")).status).toBe(200);
      expect(errors).toHaveBeenCalledWith(expect.stringMatching(/rate counter unavailable/));
    } finally {
      dynamo.destroy();
      errors.mockRestore();
    }
  });
});
