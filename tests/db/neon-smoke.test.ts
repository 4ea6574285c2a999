import { neonConfig } from "@neondatabase/serverless";
import { openNeon } from "@helperiq/adapters/db/neon";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createTenant, TEST_PASSWORD } from "../support/factories.ts";
import { startNeonBridge, configureNeonForBridge, type NeonBridge } from "../support/neon-bridge.ts";
import { createDatabase, dropDatabase } from "../support/postgres-server.ts";

const info = inject("testDb");
const name = `neon_smoke_${process.pid}`;

/** The cloud driver end to end: Neon's WebSocket protocol through a local bridge to the PostgreSQL server. */
describe.runIf(info.kind === "pg")("Neon serverless driver (smoke)", () => {
  let bridge: NeonBridge;
  let t: TestApp;

  beforeAll(async () => {
    if (info.kind !== "pg") return;
    bridge = await startNeonBridge();
    configureNeonForBridge(neonConfig, bridge.port);
    // An empty database, so the migrations themselves run through the Neon driver.
    const database = openNeon(await createDatabase(info.adminUrl, name));
    await database.migrate();
    await database.migrate(); // a second run is a no-op
    t = await bootTestApp({}, database);
  });

  afterAll(async () => {
    await t?.close();
    await bridge?.close();
    if (info.kind === "pg") await dropDatabase(info.adminUrl, name);
  });

  it("migrates, provisions, logs in and serves statuses and a filtered list", async () => {
    expect(t.database.dialect).toBe("neon");
    await t.database.ping();
    const tenant = await createTenant(t);
    const session = await tenant.anonymous.login(tenant.adminEmail, TEST_PASSWORD);
    const statuses = await session.get("/api/v1/statuses");
    expect(statuses.status).toBe(200);
    expect(statuses.body.data).toHaveLength(6);
    expect((await session.post("/api/v1/tags", { name: "neon" })).status).toBe(201);
    const filters = JSON.stringify([{ field: "tags", operator: "contains", value: "neon" }]);
    const list = await session.get(`/api/v1/conversations/all?filters=${encodeURIComponent(filters)}`);
    expect(list.body.data).toMatchObject({ total: 0, results: [] });
  });

  it("rolls back a failed transaction", async () => {
    const tenant = await createTenant(t);
    const { id } = (await tenant.admin.post("/api/v1/statuses", { name: "Temp" })).body.data;
    const { createConversation } = await import("../support/factories.ts");
    await createConversation(t, tenant, { status: "Temp" });
    expect((await tenant.admin.delete(`/api/v1/statuses/${id}`)).status).toBe(200);
    const names = (await tenant.admin.get("/api/v1/statuses")).body.data.map((s: { name: string }) => s.name);
    expect(names).not.toContain("Temp");
  });
});
