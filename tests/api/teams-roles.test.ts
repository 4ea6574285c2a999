import { conversations } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { createAgent, createConversation, createTenant, type TestTenant } from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(() => t.close());

describe("teams", () => {
  it("creates a team with members, replaces the whole member set, and lists them", async () => {
    const x = await createAgent(t, a);
    const y = await createAgent(t, a);
    const created = await a.admin.post("/api/v1/teams", { name: "Billing", emoji: "💳", members: [x.id, y.id] });
    expect(created.status).toBe(201);
    expect(created.body.data.members.map((m: { id: number }) => m.id).sort()).toEqual([x.id, y.id].sort());
    const id = created.body.data.id;
    const replaced = await a.admin.put(`/api/v1/teams/${id}`, { members: [y.id] });
    expect(replaced.body.data.members.map((m: { id: number }) => m.id)).toEqual([y.id]);
    expect(replaced.body.data).toMatchObject({ name: "Billing", emoji: "💳" });
    expect((await x.client.get("/api/v1/agents/me/teams")).body.data).toEqual([]);
    expect((await a.admin.get("/api/v1/teams")).body.data.map((tm: { name: string }) => tm.name)).toContain("Billing");
  });

  it("deleting a team unassigns its conversations first, and tells clients about each", async () => {
    const { id } = (await a.admin.post("/api/v1/teams", { name: "Temporary" })).body.data;
    const conversation = await createConversation(t, a, { assignedTeamId: id });
    const other = await createConversation(t, a, { assignedTeamId: id });
    const untouched = await createConversation(t, a);
    const before = t.published.length;
    expect((await a.admin.delete(`/api/v1/teams/${id}`)).status).toBe(200);
    const [row] = await t.database.db.select().from(conversations).where(eq(conversations.id, conversation.id));
    expect(row).toMatchObject({ assignedTeamId: null });
    const published = t.published.slice(before);
    expect(published).toHaveLength(2);
    expect(published).toEqual(
      expect.arrayContaining(
        [conversation, other].map((c) => ({
          type: "conversation_update",
          tenantId: a.id,
          conversationUuid: c.uuid,
          changes: { assigned_team_id: null },
        })),
      ),
    );
    expect(published.some((e) => "conversationUuid" in e && e.conversationUuid === untouched.uuid)).toBe(false);
    expect((await a.admin.get(`/api/v1/teams/${id}`)).status).toBe(404);
  });

  it("rejects duplicate names, unknown members, members of another workspace and bad time zones", async () => {
    await a.admin.post("/api/v1/teams", { name: "Sales" });
    expect((await a.admin.post("/api/v1/teams", { name: "Sales" })).body.data.message).toMatch(
      /^name: .*already exists/,
    );
    expect((await a.admin.post("/api/v1/teams", { name: "Ghosts", members: [999999] })).body.data.message).toMatch(
      /^members: /,
    );
    const foreign = await createAgent(t, b);
    const res = await a.admin.post("/api/v1/teams", { name: "Spies", members: [foreign.id] });
    expect(res.status).toBe(400);
    expect((await a.admin.post("/api/v1/teams", { name: "TZ", timezone: "Mars/Olympus" })).body.data.message).toMatch(
      /^timezone: /,
    );
    const names = (await a.admin.get("/api/v1/teams")).body.data.map((tm: { name: string }) => tm.name);
    expect(names).not.toContain("Spies");
    expect(names).not.toContain("Ghosts");
  });

  it("needs teams:manage and keeps workspaces apart", async () => {
    const agent = await createAgent(t, a, { permissions: ["conversations:read"] });
    expect((await agent.client.get("/api/v1/teams")).status).toBe(403);
    expect((await agent.client.post("/api/v1/teams", { name: "Nope" })).status).toBe(403);
    const theirs = (await b.admin.post("/api/v1/teams", { name: "B team" })).body.data;
    expect((await a.admin.get(`/api/v1/teams/${theirs.id}`)).status).toBe(404);
    expect((await a.admin.put(`/api/v1/teams/${theirs.id}`, { name: "x" })).status).toBe(404);
    expect((await a.admin.delete(`/api/v1/teams/${theirs.id}`)).status).toBe(404);
    expect((await b.admin.get(`/api/v1/teams/${theirs.id}`)).body.data.name).toBe("B team");
  });
});

describe("roles", () => {
  it("creates a role whose permissions take effect for its agents", async () => {
    const created = await a.admin.post("/api/v1/roles", {
      name: "Tag keeper",
      description: "Manages tags",
      permissions: ["tags:manage", "conversations:read", "tags:manage"],
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      name: "Tag keeper",
      permissions: ["conversations:read", "tags:manage"],
      system: false,
    });
    const agent = await a.admin.post("/api/v1/agents", {
      first_name: "Tia",
      email: "tia@example.com",
      roles: ["Tag keeper"],
      password: "a long enough password",
    });
    const session = await a.anonymous.login(agent.body.data.email, "a long enough password");
    expect((await session.post("/api/v1/tags", { name: "from-role" })).status).toBe(201);
    await a.admin.put(`/api/v1/roles/${created.body.data.id}`, { permissions: ["conversations:read"] });
    expect((await session.post("/api/v1/tags", { name: "denied" })).status).toBe(403);
    expect((await a.admin.get(`/api/v1/roles/${created.body.data.id}`)).body.data.agent_count).toBe(1);
  });

  it("validates permission strings and names", async () => {
    const res = await a.admin.post("/api/v1/roles", {
      name: "Bad",
      permissions: ["conversations:read", "root:everything"],
    });
    expect(res.status).toBe(400);
    expect(res.body.data.message).toBe('permissions: unknown permission "root:everything"');
    expect((await a.admin.post("/api/v1/roles", { name: "", permissions: [] })).body.data.message).toMatch(/^name: /);
    expect((await a.admin.post("/api/v1/roles", { name: "Admin", permissions: [] })).body.data.message).toMatch(
      /already exists/,
    );
  });

  it("keeps the system roles: no renaming, no deleting", async () => {
    const roles = (await a.admin.get("/api/v1/roles")).body.data;
    const admin = roles.find((r: { name: string }) => r.name === "Admin");
    expect(admin.system).toBe(true);
    expect((await a.admin.put(`/api/v1/roles/${admin.id}`, { name: "Boss" })).body.data.message).toMatch(
      /cannot be renamed/,
    );
    expect((await a.admin.delete(`/api/v1/roles/${admin.id}`)).body.data.message).toMatch(/cannot be deleted/);
  });

  it("refuses any change that would leave nobody able to manage roles", async () => {
    const tenant = await createTenant(t);
    const admin = (await tenant.admin.get("/api/v1/roles")).body.data.find((r: { name: string }) => r.name === "Admin");
    const strip = await tenant.admin.put(`/api/v1/roles/${admin.id}`, {
      permissions: admin.permissions.filter((p: string) => p !== "roles:manage"),
    });
    expect(strip.status).toBe(400);
    expect(strip.body.data.message).toMatch(/no enabled agent able to manage roles/);
    expect((await tenant.admin.get(`/api/v1/roles/${admin.id}`)).body.data.permissions).toContain("roles:manage");
    // Demoting or disabling the only admin is refused the same way.
    expect((await tenant.admin.put(`/api/v1/agents/${tenant.adminId}`, { roles: ["Agent"] })).status).toBe(400);
    expect((await tenant.admin.put(`/api/v1/agents/${tenant.adminId}`, { enabled: false })).status).toBe(400);
    expect((await tenant.admin.get("/api/v1/agents/me")).body.data.roles).toEqual(["Admin"]);
    // With a second admin, the first may step down.
    const second = await tenant.admin.post("/api/v1/agents", {
      first_name: "Sam",
      email: "sam@example.com",
      roles: ["Admin"],
    });
    expect(second.status).toBe(201);
    expect((await tenant.admin.put(`/api/v1/agents/${tenant.adminId}`, { roles: ["Agent"] })).status).toBe(200);
  });

  it("deleting a custom role takes it away from its agents", async () => {
    const role = (await a.admin.post("/api/v1/roles", { name: "Short-lived", permissions: ["status:manage"] })).body
      .data;
    const agent = await createAgent(t, a);
    await a.admin.put(`/api/v1/agents/${agent.id}`, { roles: ["Short-lived"] });
    expect((await agent.client.post("/api/v1/statuses", { name: "Ok" })).status).toBe(201);
    expect((await a.admin.delete(`/api/v1/roles/${role.id}`)).status).toBe(200);
    expect((await agent.client.post("/api/v1/statuses", { name: "No" })).status).toBe(403);
  });

  it("needs roles:manage and keeps workspaces apart", async () => {
    const agent = await createAgent(t, a, { permissions: ["users:manage"] });
    expect((await agent.client.get("/api/v1/roles")).status).toBe(403);
    const theirs = (await b.admin.post("/api/v1/roles", { name: "B role", permissions: [] })).body.data;
    expect((await a.admin.get(`/api/v1/roles/${theirs.id}`)).status).toBe(404);
    expect((await a.admin.put(`/api/v1/roles/${theirs.id}`, { permissions: ["roles:manage"] })).status).toBe(404);
    expect((await a.admin.delete(`/api/v1/roles/${theirs.id}`)).status).toBe(404);
    // Assigning another workspace's role by name is impossible: names resolve within the workspace only.
    expect(
      (await a.admin.post("/api/v1/agents", { first_name: "X", email: "x@example.com", roles: ["B role"] })).status,
    ).toBe(400);
  });
});
