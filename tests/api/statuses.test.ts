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
  agent = await createAgent(t, a, { permissions: ["conversations:read"] });
});
afterAll(() => t.close());

describe("statuses: happy path", () => {
  it("lists the six system statuses of a new workspace", async () => {
    const res = await agent.client.get("/api/v1/statuses");
    expect(res.status).toBe(200);
    expect(res.body.data.map((s: { name: string }) => s.name)).toEqual([
      "Open",
      "Snoozed",
      "Resolved",
      "Closed",
      "Spam",
      "Trashed",
    ]);
    expect(res.body.data.every((s: { system: boolean }) => s.system)).toBe(true);
  });

  it("creates, renames, recolours and deletes a custom status", async () => {
    const created = await a.admin.post("/api/v1/statuses", { name: "Waiting on customer", color: "#112233" });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: "Waiting on customer", color: "#112233", system: false });
    const id = created.body.data.id;

    const renamed = await a.admin.put(`/api/v1/statuses/${id}`, { name: "Pending" });
    expect(renamed.body.data).toMatchObject({ id, name: "Pending", color: "#112233" });

    const recoloured = await a.admin.put(`/api/v1/statuses/${id}/color`, { color: "#abcdef" });
    expect(recoloured.body.data.color).toBe("#abcdef");

    expect((await a.admin.delete(`/api/v1/statuses/${id}`)).status).toBe(200);
    const names = (await a.admin.get("/api/v1/statuses")).body.data.map((s: { name: string }) => s.name);
    expect(names).not.toContain("Pending");
  });

  it("renames a system status but keeps it a system status", async () => {
    const open = (await a.admin.get("/api/v1/statuses")).body.data.find((s: { name: string }) => s.name === "Open");
    const res = await a.admin.put(`/api/v1/statuses/${open.id}`, { name: "Open tickets" });
    expect(res.body.data).toMatchObject({ name: "Open tickets", system: true });
    await a.admin.put(`/api/v1/statuses/${open.id}`, { name: "Open" });
  });

  it("moves a deleted status's conversations to Open", async () => {
    const { id } = (await a.admin.post("/api/v1/statuses", { name: "On hold" })).body.data;
    const conversation = await createConversation(t, a, { status: "On hold" });
    expect(conversation.statusId).toBe(id);
    const before = t.published.length;
    await a.admin.delete(`/api/v1/statuses/${id}`);
    // Each moved conversation's clients learn its new status.
    expect(t.published.slice(before)).toEqual([
      { type: "conversation_update", tenantId: a.id, conversationUuid: conversation.uuid, changes: { status: "Open" } },
    ]);
    const list = (await a.admin.get("/api/v1/statuses")).body.data;
    const open = list.find((s: { name: string }) => s.name === "Open");
    const { conversations } = await import("@helperiq/core/schema");
    const { eq } = await import("drizzle-orm");
    const [row] = await t.database.db.select().from(conversations).where(eq(conversations.id, conversation.id));
    expect(row!.statusId).toBe(open.id);
  });

  it("lists the fixed priorities", async () => {
    const res = await agent.client.get("/api/v1/priorities");
    expect(res.body.data).toEqual([
      { id: 1, name: "Low" },
      { id: 2, name: "Medium" },
      { id: 3, name: "High" },
      { id: 4, name: "Urgent" },
    ]);
  });
});

describe("statuses: errors", () => {
  it("rejects a name over 64 characters, naming the field", async () => {
    const res = await a.admin.post("/api/v1/statuses", { name: "x".repeat(65) });
    expect(res.status).toBe(400);
    expect(res.body.data.type).toBe("InputError");
    expect(res.body.data.message).toMatch(/^name: /);
  });

  it("rejects a missing name, a bad colour and a duplicate name", async () => {
    expect((await a.admin.post("/api/v1/statuses", {})).body.data.message).toMatch(/^name: /);
    expect((await a.admin.post("/api/v1/statuses", { name: "Blue", color: "blue" })).body.data.message).toMatch(
      /^color: /,
    );
    const dup = await a.admin.post("/api/v1/statuses", { name: "Open" });
    expect(dup.status).toBe(400);
    expect(dup.body.data.message).toMatch(/already exists/);
  });

  it("refuses to delete a system status and leaves it in place", async () => {
    const spam = (await a.admin.get("/api/v1/statuses")).body.data.find((s: { name: string }) => s.name === "Spam");
    const res = await a.admin.delete(`/api/v1/statuses/${spam.id}`);
    expect(res.status).toBe(400);
    expect(res.body.data.type).toBe("InputError");
    expect((await a.admin.get("/api/v1/statuses")).body.data).toHaveLength(6);
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    expect((await a.admin.put("/api/v1/statuses/999999", { name: "x" })).status).toBe(404);
    const bad = await a.admin.put("/api/v1/statuses/abc", { name: "x" });
    expect(bad.status).toBe(400);
    expect(bad.body.data.message).toMatch(/^id: /);
  });

  it("rejects an update with nothing to change", async () => {
    const open = (await a.admin.get("/api/v1/statuses")).body.data[0];
    expect((await a.admin.put(`/api/v1/statuses/${open.id}`, {})).status).toBe(400);
  });
});

describe("statuses: security", () => {
  it("needs credentials", async () => {
    const res = await a.anonymous.get("/api/v1/statuses");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ data: { message: expect.any(String), type: "AuthError" } });
  });

  it("needs status:manage to write", async () => {
    const res = await agent.client.post("/api/v1/statuses", { name: "Nope" });
    expect(res.status).toBe(403);
    expect(res.body.data.type).toBe("PermissionError");
    const bStatuses = (await b.admin.get("/api/v1/statuses")).body.data;
    expect((await agent.client.delete(`/api/v1/statuses/${bStatuses[0].id}`)).status).toBe(403);
  });

  it("never shows or changes another workspace's statuses", async () => {
    const mine = (await b.admin.post("/api/v1/statuses", { name: "B only" })).body.data;
    const listA = (await a.admin.get("/api/v1/statuses")).body.data.map((s: { name: string }) => s.name);
    expect(listA).not.toContain("B only");
    expect((await a.admin.put(`/api/v1/statuses/${mine.id}`, { name: "hijacked" })).status).toBe(404);
    expect((await a.admin.put(`/api/v1/statuses/${mine.id}/color`, { color: "#000000" })).status).toBe(404);
    expect((await a.admin.delete(`/api/v1/statuses/${mine.id}`)).status).toBe(404);
    const still = (await b.admin.get("/api/v1/statuses")).body.data.find((s: { id: number }) => s.id === mine.id);
    expect(still).toMatchObject({ name: "B only" });
  });
});
