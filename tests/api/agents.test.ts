import { conversations, pushTokens } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, Client, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createTeam,
  createTenant,
  TEST_PASSWORD,
  type TestTenant,
} from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(() => t.close());

const newAgent = (tenant: TestTenant, email: string, extra: Record<string, unknown> = {}) =>
  tenant.admin.post("/api/v1/agents", { first_name: "Nia", last_name: "Newcomer", email, roles: ["Agent"], ...extra });

describe("agents/me", () => {
  it("returns the agent with roles, flattened permissions and teams", async () => {
    const agent = await createAgent(t, a, { permissions: ["conversations:read", "tags:manage"] });
    const team = await createTeam(t, a, [agent.id]);
    const res = await agent.client.get("/api/v1/agents/me");
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: agent.id, email: agent.email, type: "agent", enabled: true });
    expect(res.body.data.permissions).toEqual(["conversations:read", "tags:manage"]);
    expect(res.body.data.roles).toHaveLength(1);
    expect(res.body.data.teams).toEqual([{ id: team.id, name: team.name, emoji: "" }]);
    expect(res.body.data).not.toHaveProperty("password_hash");
    expect((await agent.client.get("/api/v1/agents/me/teams")).body.data).toEqual([
      { id: team.id, name: team.name, emoji: "" },
    ]);
  });

  it("updates its own name, availability and password; the password needs the current one", async () => {
    const agent = await createAgent(t, a);
    const renamed = await agent.client.put("/api/v1/agents/me", { first_name: "Renamed" });
    expect(renamed.body.data).toMatchObject({ first_name: "Renamed", last_name: "Smith" });
    const away = await agent.client.put("/api/v1/agents/me/availability", { availability: "away" });
    expect(away.body.data.availability).toBe("away");
    expect(
      (await agent.client.put("/api/v1/agents/me/availability", { availability: "asleep" })).body.data.message,
    ).toMatch(/^availability: /);
    const noCurrent = await agent.client.put("/api/v1/agents/me", { new_password: "a brand new password" });
    expect(noCurrent.body.data.message).toMatch(/^current_password: /);
    const wrong = await agent.client.put("/api/v1/agents/me", {
      current_password: "nope",
      new_password: "a brand new password",
    });
    expect(wrong.status).toBe(400);
    const changed = await agent.client.put("/api/v1/agents/me", {
      current_password: TEST_PASSWORD,
      new_password: "a brand new password",
    });
    expect(changed.status).toBe(200);
    await expect(a.anonymous.login(agent.email, TEST_PASSWORD)).rejects.toThrow(/401/);
    await a.anonymous.login(agent.email, "a brand new password");
  });

  it("deletes the avatar and registers and removes push tokens", async () => {
    const agent = await createAgent(t, a);
    expect((await agent.client.delete("/api/v1/agents/me/avatar")).body.data.avatar_url).toBeNull();
    const token = "fcm-token-abcdefgh";
    expect((await agent.client.post("/api/v1/agents/me/push-token", { token, platform: "android" })).status).toBe(201);
    expect((await agent.client.post("/api/v1/agents/me/push-token", { token, platform: "android" })).status).toBe(201);
    let rows = await t.database.db.select().from(pushTokens).where(eq(pushTokens.token, token));
    expect(rows).toHaveLength(1);
    expect((await agent.client.post("/api/v1/agents/me/push-token", { token, platform: "pager" })).status).toBe(400);
    await agent.client.request("DELETE", "/api/v1/agents/me/push-token", { token });
    rows = await t.database.db.select().from(pushTokens).where(eq(pushTokens.token, token));
    expect(rows).toHaveLength(0);
  });

  it("lists compact agents (with their emails, as LibreDesk's UI renders them) and teams for any agent", async () => {
    const agent = await createAgent(t, a);
    const res = await agent.client.get("/api/v1/agents/compact");
    expect(res.status).toBe(200);
    expect(res.body.data.some((x: { id: number }) => x.id === agent.id)).toBe(true);
    expect(res.body.data.find((x: { id: number }) => x.id === agent.id)).toMatchObject({
      email: agent.email,
      enabled: true,
    });
    expect((await agent.client.get("/api/v1/teams/compact")).status).toBe(200);
    const other = (await b.admin.get("/api/v1/agents/compact")).body.data.map((x: { id: number }) => x.id);
    expect(other).not.toContain(agent.id);
  });
});

describe("agents administration", () => {
  it("creates an agent with roles and teams and lists agents with pagination", async () => {
    const team = await createTeam(t, a);
    const res = await newAgent(a, "created@example.com", { teams: [team.name], roles: ["Agent", "Admin"] });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      email: "created@example.com",
      roles: ["Admin", "Agent"],
      teams: [{ id: team.id }],
    });
    const page = await a.admin.get("/api/v1/agents?page_size=2&order_by=created_at&order=asc");
    expect(page.body.data).toMatchObject({ page: 1, page_size: 2 });
    expect(page.body.data.total).toBeGreaterThanOrEqual(2);
    expect(page.body.data.results[0].id).toBe(a.adminId);
    expect((await a.admin.get(`/api/v1/agents/${res.body.data.id}`)).body.data.email).toBe("created@example.com");
  });

  it("searches agents by name or email (q), paging the matches; another workspace's agents never match", async () => {
    await newAgent(a, "quest.one@example.com", { first_name: "Quentin", last_name: "Searchable" });
    await newAgent(a, "other@example.com", { first_name: "Quentin", last_name: "Searchable" });
    await newAgent(b, "quest.b@example.com", { first_name: "Quentin", last_name: "Searchable" });
    const byName = await a.admin.get("/api/v1/agents?q=quentin%20search&page_size=1");
    expect(byName.status).toBe(200);
    expect(byName.body.data).toMatchObject({ total: 2, total_pages: 2, page_size: 1 });
    const byEmail = await a.admin.get("/api/v1/agents?q=QUEST.ONE");
    expect(byEmail.body.data.results.map((r: { email: string }) => r.email)).toEqual(["quest.one@example.com"]);
    // `%` is a literal character, not a LIKE wildcard.
    expect((await a.admin.get("/api/v1/agents?q=%25")).body.data.total).toBe(0);
    expect((await a.admin.get(`/api/v1/agents?q=${"x".repeat(101)}`)).status).toBe(400);
  });

  it("mails a welcome link that lets the new agent choose a password and sign in", async () => {
    const res = await newAgent(a, "welcome@example.com", { send_welcome_email: true });
    expect(res.status).toBe(201);
    await t.queue.drain();
    const mail = t.outbox.find((m) => m.to === "welcome@example.com")!;
    expect(mail.subject).toBe(`Welcome to Workspace ${a.slug}`);
    const token = /reset-password\?token=([a-z0-9]+)/.exec(mail.text)![1]!;
    expect(
      (await a.anonymous.post("/api/v1/agents/set-password", { token, password: "my first password" })).status,
    ).toBe(200);
    await a.anonymous.login("welcome@example.com", "my first password");
    expect(t.outbox.some((m) => m.to === "created@example.com")).toBe(false);
  });

  it("rejects duplicate emails (case-insensitively), unknown roles and teams, and bad fields", async () => {
    await newAgent(a, "dup@example.com");
    const dup = await newAgent(a, "DUP@example.com");
    expect(dup.status).toBe(400);
    expect(dup.body.data.message).toMatch(/^email: .*already exists/);
    expect((await newAgent(a, "r@example.com", { roles: ["Wizard"] })).body.data.message).toMatch(
      /^roles: unknown role "Wizard"/,
    );
    expect((await newAgent(a, "t@example.com", { teams: ["Nope"] })).body.data.message).toMatch(/^teams: unknown team/);
    expect((await newAgent(a, "not-an-email")).body.data.message).toMatch(/^email: /);
    expect((await newAgent(a, "n@example.com", { roles: [] })).body.data.message).toMatch(/^roles: /);
    const list = (await a.admin.get("/api/v1/agents?page_size=100")).body.data.results.map(
      (x: { email: string }) => x.email,
    );
    expect(list).not.toContain("r@example.com");
    expect(list).not.toContain("t@example.com");
    // The same email in another workspace is a different agent.
    expect((await newAgent(b, "dup@example.com")).status).toBe(201);
  });

  it("soft-deletes an agent: sign-in, sessions and API keys stop at once, conversations go back to the queue", async () => {
    const agent = await createAgent(t, a, { permissions: ["conversations:read"] });
    const session = await a.anonymous.login(agent.email, TEST_PASSWORD);
    const conversation = await createConversation(t, a, { assignedUserId: agent.id });
    expect((await session.get("/api/v1/agents/me")).status).toBe(200);
    const before = t.published.length;
    expect((await a.admin.delete(`/api/v1/agents/${agent.id}`)).status).toBe(200);
    expect(t.published.slice(before)).toEqual([
      {
        type: "conversation_update",
        tenantId: a.id,
        conversationUuid: conversation.uuid,
        changes: { assigned_user_id: null },
      },
    ]);
    expect((await session.get("/api/v1/agents/me")).status).toBe(401);
    expect((await agent.client.get("/api/v1/agents/me")).status).toBe(401);
    await expect(a.anonymous.login(agent.email, TEST_PASSWORD)).rejects.toThrow(/401/);
    expect((await a.admin.get(`/api/v1/agents/${agent.id}`)).status).toBe(404);
    const [row] = await t.database.db.select().from(conversations).where(eq(conversations.id, conversation.id));
    expect(row!.assignedUserId).toBeNull();
    // The address is free again for a new agent.
    expect((await newAgent(a, agent.email)).status).toBe(201);
  });

  it("disabling an agent ends their sessions; nobody can delete themselves", async () => {
    const agent = await createAgent(t, a);
    const session = await a.anonymous.login(agent.email, TEST_PASSWORD);
    expect((await a.admin.put(`/api/v1/agents/${agent.id}`, { enabled: false })).body.data.enabled).toBe(false);
    expect((await session.get("/api/v1/agents/me")).status).toBe(401);
    expect((await a.admin.delete(`/api/v1/agents/${a.adminId}`)).body.data.message).toMatch(/yourself/);
  });

  it("issues an API key once, re-issuing revokes the previous one, revoking gives 401", async () => {
    const agent = await createAgent(t, a);
    const first = await a.admin.post(`/api/v1/agents/${agent.id}/api-key`);
    expect(first.status).toBe(201);
    expect(first.body.data.api_key).toMatch(/^lk_/);
    const viaFirst = new Client(t, a.host, { bearer: first.body.data.api_key });
    expect((await viaFirst.get("/api/v1/agents/me")).body.data.id).toBe(agent.id);
    const second = await a.admin.post(`/api/v1/agents/${agent.id}/api-key`);
    const viaSecond = new Client(t, a.host, { bearer: second.body.data.api_key });
    expect((await viaFirst.get("/api/v1/agents/me")).status).toBe(401);
    expect((await viaSecond.get("/api/v1/agents/me")).status).toBe(200);
    expect((await a.admin.get(`/api/v1/agents/${agent.id}`)).body.data).not.toHaveProperty("api_key");
    expect((await a.admin.delete(`/api/v1/agents/${agent.id}/api-key`)).body.data.revoked).toBe(1);
    expect((await viaSecond.get("/api/v1/agents/me")).status).toBe(401);
  });

  it("imports agents from CSV in the background (POST /api/v1/agents/import); bad rows never abort good ones", async () => {
    const team = await createTeam(t, a);
    const csv = [
      "email,first_name,last_name,roles,teams",
      `imp1@example.com,Ivy,One,Agent,${team.name}`,
      'imp2@example.com,Ike,Two,"Admin, Agent",',
      "not-an-email,Bad,Row,Agent,",
      "imp3@example.com,,NoFirst,Agent,",
      "imp4@example.com,Ida,Four,Wizard,",
      "IMP1@example.com,Dup,Licate,Agent,",
      "imp5@example.com,Ima,Five,,",
    ].join("\n");
    const res = await a.admin.upload("/api/v1/agents/import", csv);
    expect(res.status).toBe(202);
    await t.queue.drain();
    const status = (await a.admin.get("/api/v1/agents/import/status")).body.data;
    expect(status).toMatchObject({ kind: "agents", status: "completed", total: 7, completed: 3, errored: 4 });
    expect(status.errors.map((e: { row: number }) => e.row)).toEqual([4, 5, 6, 7]);
    expect(status.errors[2].message).toMatch(/unknown role "Wizard"/);
    expect(status.errors[3].message).toMatch(/already exists/);
    const emails = (await a.admin.get("/api/v1/agents?page_size=100")).body.data.results;
    const byEmail = (e: string) => emails.find((x: { email: string }) => x.email === e);
    expect(byEmail("imp1@example.com").teams).toEqual([{ id: team.id, name: team.name, emoji: "" }]);
    expect(byEmail("imp2@example.com").roles).toEqual(["Admin", "Agent"]);
    expect(byEmail("imp5@example.com").roles).toEqual(["Agent"]);
    expect(byEmail("imp4@example.com")).toBeUndefined();
  });

  it("needs users:manage and keeps workspaces apart", async () => {
    const agent = await createAgent(t, a, { permissions: ["conversations:read"] });
    for (const [method, path] of [
      ["GET", "/api/v1/agents"],
      ["POST", "/api/v1/agents"],
      ["GET", `/api/v1/agents/${a.adminId}`],
      ["POST", `/api/v1/agents/${a.adminId}/api-key`],
      ["GET", "/api/v1/agents/import/status"],
    ] as const) {
      expect((await agent.client.request(method, path, method === "POST" ? {} : undefined)).status).toBe(403);
    }
    expect((await a.anonymous.get("/api/v1/agents")).status).toBe(401);
    const theirs = await createAgent(t, b);
    expect((await a.admin.get(`/api/v1/agents/${theirs.id}`)).status).toBe(404);
    expect((await a.admin.put(`/api/v1/agents/${theirs.id}`, { first_name: "Hijacked" })).status).toBe(404);
    expect((await a.admin.delete(`/api/v1/agents/${theirs.id}`)).status).toBe(404);
    expect((await a.admin.post(`/api/v1/agents/${theirs.id}/api-key`)).status).toBe(404);
    expect((await theirs.client.get("/api/v1/agents/me")).body.data.first_name).toBe("Agent");
    const listed = (await a.admin.get("/api/v1/agents?page_size=100")).body.data.results.map(
      (x: { id: number }) => x.id,
    );
    expect(listed).not.toContain(theirs.id);
  });
});
