import { generateKeyringSpec } from "@helperiq/core/crypto/secret-box";
import { neonConfig } from "@neondatabase/serverless";
import { issueApiKey } from "@helperiq/core/auth/index";
import { provisionTenant } from "@helperiq/core/tenant/index";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { configureNeonForBridge, startNeonBridge, type NeonBridge } from "../support/neon-bridge.ts";
import { createDatabase, dropDatabase } from "../support/postgres-server.ts";
import { httpApiEvent } from "./api-gateway-event.ts";

/**
 * The deployed entries exactly as Lambda runs them (configuration from the environment, Neon's driver)
 * against the run's PostgreSQL server through a Neon-style WebSocket bridge: the migrator on an empty
 * database, then HTTP families and the session cleanup cron. Only with TEST_DB=pg.
 */

const info = inject("testDb");
const name = `lambda_neon_${process.pid}`;
const HOST = "acme.helperiq.test";
const ENV = ["DATABASE_URL", "BASE_DOMAIN", "ROOT_URL", "SECRET_KEYS", "CRON_JOB"] as const;

const httpEvent = (method: string, path: string, headers?: Record<string, string>) =>
  httpApiEvent(HOST, method, path, headers);

describe.runIf(info?.kind === "pg")("Lambda entries on Neon's driver", () => {
  let bridge: NeonBridge;
  const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

  beforeAll(async () => {
    if (info.kind !== "pg") return;
    bridge = await startNeonBridge();
    configureNeonForBridge(neonConfig, bridge.port);
    Object.assign(process.env, {
      DATABASE_URL: await createDatabase(info.adminUrl, name),
      BASE_DOMAIN: "helperiq.test",
      ROOT_URL: `https://${HOST}`,
      SECRET_KEYS: generateKeyringSpec(),
    });
  });

  afterAll(async () => {
    const { sharedDatabase } = await import("../../functions/database.ts");
    if (process.env.DATABASE_URL) await sharedDatabase().close();
    await bridge?.close();
    if (info.kind === "pg") await dropDatabase(info.adminUrl, name);
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("migrates an empty database, and again as a no-op", async () => {
    const { handler } = await import("../../functions/migrate.ts");
    expect(await handler()).toEqual({ migrated: true });
    expect(await handler()).toEqual({ migrated: true });
  });

  it("serves health and statuses from the environment's configuration", async () => {
    const { sharedDatabase } = await import("../../functions/database.ts");
    const { db } = sharedDatabase();
    const tenant = await provisionTenant(db, {
      slug: "acme",
      name: "Acme",
      admin: { email: "admin@acme.test", firstName: "Ada", lastName: "Admin", password: "a long enough password" },
    });
    const { key } = await issueApiKey(db, {
      tenantId: tenant.tenantId,
      userId: tenant.adminId,
      kind: "admin",
      now: new Date(),
    });

    const health = await import("../../functions/http/health.ts");
    expect((await health.handler(httpEvent("GET", "/health"))).statusCode).toBe(200);
    const statuses = await import("../../functions/http/statuses.ts");
    const res = await statuses.handler(httpEvent("GET", "/api/v1/statuses", { authorization: `Bearer ${key}` }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).data).toHaveLength(6);
  });

  it("runs the session cleanup cron", async () => {
    process.env.CRON_JOB = "cleanup-sessions";
    const { handler } = await import("../../functions/cron/run.ts");
    expect(await handler()).toEqual({ deleted: 0, signups: 0 });
  });
});
