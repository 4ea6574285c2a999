import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read_all"] });
});
afterAll(() => t.close());

const names = async (tenant: TestTenant) =>
  (await tenant.admin.get("/api/v1/tags")).body.data.map((x: { name: string }) => x.name);

describe("tags", () => {
  it("creates, lists by name, renames and deletes", async () => {
    const created = await a.admin.post("/api/v1/tags", { name: "refund" });
    expect(created.status).toBe(201);
    await a.admin.post("/api/v1/tags", { name: "bug" });
    expect(await names(a)).toEqual(["bug", "refund"]);
    const renamed = await a.admin.put(`/api/v1/tags/${created.body.data.id}`, { name: "refunds" });
    expect(renamed.body.data.name).toBe("refunds");
    expect((await a.admin.delete(`/api/v1/tags/${created.body.data.id}`)).status).toBe(200);
    expect(await names(a)).toEqual(["bug"]);
  });

  it("deleting a tag removes it from every conversation", async () => {
    await createConversation(t, a, { subject: "Tagged", tags: ["temporary"] });
    const tag = (await a.admin.get("/api/v1/tags")).body.data.find((x: { name: string }) => x.name === "temporary");
    const before = (await agent.client.get("/api/v1/conversations/all")).body.data.results[0];
    expect(before.tags).toEqual(["temporary"]);
    await a.admin.delete(`/api/v1/tags/${tag.id}`);
    const after = (await agent.client.get("/api/v1/conversations/all")).body.data.results[0];
    expect(after.tags).toEqual([]);
  });

  it("rejects duplicates case-insensitively, empty and over-long names", async () => {
    await a.admin.post("/api/v1/tags", { name: "Urgent-ish" });
    const dup = await a.admin.post("/api/v1/tags", { name: "urgent-ISH" });
    expect(dup.status).toBe(400);
    expect(dup.body.data.message).toMatch(/^name: .*already exists/);
    expect((await a.admin.post("/api/v1/tags", { name: "   " })).body.data.message).toMatch(/^name: /);
    expect((await a.admin.post("/api/v1/tags", { name: "t".repeat(65) })).status).toBe(400);
    expect((await a.admin.delete("/api/v1/tags/987654")).status).toBe(404);
  });

  it("needs tags:manage to write and keeps workspaces apart", async () => {
    expect((await agent.client.get("/api/v1/tags")).status).toBe(200);
    const denied = await agent.client.post("/api/v1/tags", { name: "nope" });
    expect(denied.status).toBe(403);
    const theirs = (await b.admin.post("/api/v1/tags", { name: "b-only" })).body.data;
    expect(await names(a)).not.toContain("b-only");
    expect((await a.admin.put(`/api/v1/tags/${theirs.id}`, { name: "stolen" })).status).toBe(404);
    expect((await a.admin.delete(`/api/v1/tags/${theirs.id}`)).status).toBe(404);
    expect(await names(b)).toEqual(["b-only"]);
    // The same name may exist in two workspaces.
    expect((await a.admin.post("/api/v1/tags", { name: "b-only" })).status).toBe(201);
  });
});
