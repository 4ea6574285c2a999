import { createNodeDnsResolver } from "@helperiq/adapters/dns/node-resolver";
import { createAiClients } from "@helperiq/adapters/ai/index";
import { createMahoEcommerce } from "@helperiq/adapters/ecommerce/maho";
import { createMailProbe } from "@helperiq/adapters/mail/probe";
import { createOutboundGuard } from "@helperiq/adapters/net/outbound-guard";
import { createEventBus } from "@helperiq/adapters/events/bus";
import { noSockets } from "@helperiq/adapters/realtime/no-sockets";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { generateKeyringSpec, parseKeyring } from "@helperiq/core/crypto/secret-box";
import { FAMILIES } from "@helperiq/api";
import { openPglite } from "@helperiq/adapters/db/pglite";
import type { AppDeps } from "@helperiq/api";
import { issueApiKey } from "@helperiq/core/auth/index";
import { systemClock, type Database } from "@helperiq/core/port/index";
import { provisionTenant } from "@helperiq/core/tenant/index";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { cloudBlobs, cloudQueue } from "../../functions/cloud-ports.ts";
import { cloudConfig, createHandler } from "../../functions/runtime.ts";
import { httpApiEvent } from "./api-gateway-event.ts";

/**
 * The family Lambdas answering API Gateway HTTP API (payload 2.0) events, on a PGlite database
 * instead of Neon: createHandler is the same factory functions/http/<family>.ts use.
 */

const HOST = "acme.helperiq.test";

const httpEvent = (method: string, path: string, headers?: Record<string, string>) =>
  httpApiEvent(HOST, method, path, headers);

let database: Database;
let apiKey: string;
let deps: () => AppDeps;

beforeAll(async () => {
  database = await openPglite();
  await database.migrate();
  const tenant = await provisionTenant(database.db, {
    slug: "acme",
    name: "Acme",
    admin: { email: "admin@acme.test", firstName: "Ada", lastName: "Admin", password: "a long enough password" },
  });
  apiKey = (
    await issueApiKey(database.db, {
      tenantId: tenant.tenantId,
      userId: tenant.adminId,
      kind: "admin",
      now: new Date(),
    })
  ).key;
  const config = cloudConfig({ BASE_DOMAIN: "helperiq.test", ROOT_URL: `https://${HOST}` });
  // Without QUEUE_URL, as the families that do not publish are deployed.
  deps = () => ({
    database,
    clock: systemClock,
    queue: cloudQueue({}),
    rateCounter: createMemoryRateCounter(),
    events: createEventBus(),
    sockets: noSockets,
    blobs: cloudBlobs({}),
    secrets: parseKeyring(generateKeyringSpec()),
    ecommerce: createMahoEcommerce({ clock: systemClock, guard: createOutboundGuard() }),
    ai: createAiClients(),
    mailProbe: createMailProbe({ guard: createOutboundGuard() }),
    outbound: createOutboundGuard(),
    dns: createNodeDnsResolver(),
    remoteAddress: () => "127.0.0.1",
    config,
  });
});

afterAll(async () => {
  await database?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Keeps the expected error logs of a failure case out of the test output. */
const quietErrors = () => vi.spyOn(console, "error").mockImplementation(() => {});

describe("family Lambda handlers", () => {
  it("health answers 200 with an empty body", async () => {
    const res = await createHandler("health", FAMILIES.health, deps)(httpEvent("GET", "/health"));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe("");
  });

  it("statuses refuses an anonymous caller with the AuthError envelope", async () => {
    const res = await createHandler("statuses", FAMILIES.statuses, deps)(httpEvent("GET", "/api/v1/statuses"));
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ data: { message: expect.any(String), type: "AuthError" } });
  });

  it("statuses lists the workspace's six system statuses for an API key", async () => {
    const res = await createHandler(
      "statuses",
      FAMILIES.statuses,
      deps,
    )(httpEvent("GET", "/api/v1/statuses", { authorization: `Bearer ${apiKey}` }));
    expect(res.statusCode).toBe(200);
    const names = JSON.parse(res.body).data.map((s: { name: string }) => s.name);
    expect(names.sort()).toEqual(["Closed", "Open", "Resolved", "Snoozed", "Spam", "Trashed"]);
  });

  it("composes its dependencies once, on the first request", async () => {
    let calls = 0;
    const handler = createHandler("health", FAMILIES.health, () => {
      calls++;
      return deps();
    });
    expect(calls).toBe(0);
    await handler(httpEvent("GET", "/health"));
    await handler(httpEvent("GET", "/health"));
    expect(calls).toBe(1);
  });

  it("answers a GeneralError when it cannot start, and tries again on the next request", async () => {
    quietErrors();
    let fail = true;
    const handler = createHandler("health", FAMILIES.health, () => {
      if (fail) throw new Error("no DATABASE_URL");
      return deps();
    });
    const failed = await handler(httpEvent("GET", "/health"));
    expect(failed.statusCode).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ data: { message: expect.any(String), type: "GeneralError" } });
    fail = false;
    expect((await handler(httpEvent("GET", "/health"))).statusCode).toBe(200);
  });

  it("refuses a limit that is not a positive whole number at start, naming the variable", () => {
    for (const bad of ["-5", "1.5", "abc", "0"])
      expect(() => cloudConfig({ PLATFORM_RATE_LIMIT: bad })).toThrow(/PLATFORM_RATE_LIMIT/);
    expect(() => cloudConfig({ AUTH_RATE_LIMIT: "ten" })).toThrow(/AUTH_RATE_LIMIT/);
    expect(() => cloudConfig({ MEDIA_URL_TTL: "5" })).toThrow(/MEDIA_URL_TTL/);
    expect(cloudConfig({ PLATFORM_RATE_LIMIT: "300" }).platform?.rateLimit).toBe(300);
    expect(cloudConfig({ PLATFORM_RATE_LIMIT: "" }).platform?.rateLimit).toBeUndefined();
    expect(cloudConfig({}).authRateLimit).toBe(10);
  });
});

describe("functions/http/health.ts", () => {
  it("answers 503 when Neon is unreachable", async () => {
    quietErrors();
    const saved = { DATABASE_URL: process.env.DATABASE_URL, SECRET_KEYS: process.env.SECRET_KEYS };
    // Neon dials wss://<host>/v2 (port 443): on loopback that is refused at once, no retries to wait for.
    process.env.DATABASE_URL = "postgres://u:p@127.0.0.1:1/x";
    process.env.SECRET_KEYS = generateKeyringSpec();
    const { handler } = await import("../../functions/http/health.ts");
    const { sharedDatabase } = await import("../../functions/database.ts");
    try {
      const res = await handler(httpEvent("GET", "/health", { host: "anything.example" }));
      expect(res.statusCode).toBe(503);
    } finally {
      await sharedDatabase().close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe("request size limits in a family Lambda", () => {
  it("an anonymous 200 KB JSON body is 413 whether or not API Gateway passes its Content-Length", async () => {
    const body = JSON.stringify({ email: "a@acme.test", password: "x".repeat(200_000) });
    const variants: Record<string, string>[] = [
      { "content-type": "application/json" },
      { "content-type": "application/json", "content-length": String(body.length) },
    ];
    for (const headers of variants) {
      const event = { ...httpEvent("POST", "/api/v1/auth/login", headers), body };
      const res = await createHandler("auth", FAMILIES.auth, deps)(event);
      expect(res.statusCode).toBe(413);
      expect(JSON.parse(res.body)).toEqual({
        data: { type: "InputError", message: "body: larger than the limit of 64 KB for this route" },
      });
    }
  });
});
