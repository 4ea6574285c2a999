import { users } from "@helperiq/core/user/user.sql";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createInbox,
  createTeam,
  createTenant,
  TEST_PASSWORD,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

/**
 * The answers LibreDesk's agent UI keeps and renders, field by field: the login answer (its current user),
 * /agents/me, the compact agent and team lists (pickers and the agent admin table), a conversation's
 * participants and the conversation pane. HelperIQ's own fields stay beside them.
 */

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;
let teamId: number;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, {
    permissions: ["conversations:read", "conversations:read_all", "messages:read"],
    firstName: "Ann",
  });
  teamId = (await createTeam(t, a, [agent.id])).id;
});
afterAll(() => t.close());

/** What stores/user.js reads of its current user. */
const CURRENT_USER = {
  id: expect.any(Number),
  first_name: "Ann",
  last_name: "Smith",
  email: expect.any(String),
  avatar_url: null,
  type: "agent",
  roles: expect.any(Array),
  permissions: expect.arrayContaining(["conversations:read", "conversations:read_all", "messages:read"]),
  teams: [expect.objectContaining({ id: expect.any(Number), name: expect.any(String), emoji: expect.any(String) })],
  availability_status: expect.stringMatching(/^(online|away|away_manual|away_and_reassigning|offline)$/),
  enabled: true,
  created_at: expect.any(String),
  updated_at: expect.any(String),
};

describe("the signed-in agent", () => {
  it("the login answer is the current user LibreDesk's UI keeps: roles, permissions, teams, availability", async () => {
    const res = await a.anonymous.post("/api/v1/auth/login", { email: agent.email, password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ...CURRENT_USER, id: agent.id, csrf_token: expect.any(String) });
    expect(res.body.data.roles.every((r: unknown) => typeof r === "string")).toBe(true);
    expect(res.headers.getSetCookie().some((cookie) => cookie.startsWith("csrf_token="))).toBe(true);
  });

  it("/agents/me answers the same fields", async () => {
    const res = await agent.client.get("/api/v1/agents/me");
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ...CURRENT_USER, id: agent.id });
    expect(res.body.data).toHaveProperty("last_active_at");
    expect(res.body.data).toHaveProperty("last_login_at");
  });

  it("availability takes LibreDesk's {status} and reads back what it set; HelperIQ's {availability} still works", async () => {
    const set = async (body: object) => {
      const res = await agent.client.put("/api/v1/agents/me/availability", body);
      expect(res.status, JSON.stringify(body)).toBe(200);
      return res.body.data;
    };
    expect(await set({ status: "away_manual" })).toMatchObject({
      availability: "away",
      availability_status: "away_manual",
    });
    expect((await agent.client.get("/api/v1/agents/me")).body.data.availability_status).toBe("away_manual");
    expect(await set({ status: "away" })).toMatchObject({ availability: "away", availability_status: "away" });
    expect(await set({ status: "online" })).toMatchObject({ availability: "online", availability_status: "online" });
    expect(await set({ availability: "offline" })).toMatchObject({
      availability: "offline",
      availability_status: "offline",
    });
    const compact = (await agent.client.get("/api/v1/agents/compact")).body.data.find(
      (x: { id: number }) => x.id === agent.id,
    );
    expect(compact.availability_status).toBe("offline");
    for (const body of [
      { status: "busy" },
      { availability: "away_manual" },
      {},
      { status: "online", availability: "online" },
    ]) {
      const res = await agent.client.put("/api/v1/agents/me/availability", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe("compact lists", () => {
  it("/agents/compact carries what the agent table and pickers render, disabled agents flagged, never the System user or other workspaces", async () => {
    const disabled = await createAgent(t, a, { firstName: "Dora" });
    await t.database.db.update(users).set({ enabled: false }).where(eq(users.id, disabled.id));
    const elsewhere = await createAgent(t, b);
    const res = await agent.client.get("/api/v1/agents/compact");
    expect(res.status).toBe(200);
    const mine = res.body.data.find((x: { id: number }) => x.id === agent.id);
    expect(mine).toMatchObject({
      id: agent.id,
      type: "agent",
      first_name: "Ann",
      last_name: "Smith",
      email: agent.email,
      enabled: true,
      avatar_url: null,
      availability: expect.any(String),
      availability_status: expect.any(String),
    });
    for (const key of ["created_at", "updated_at"]) expect(new Date(mine[key]).toISOString()).toBe(mine[key]);
    expect(res.body.data.find((x: { id: number }) => x.id === disabled.id)).toMatchObject({ enabled: false });
    const ids = res.body.data.map((x: { id: number }) => x.id);
    expect(ids).not.toContain(a.systemUserId);
    expect(ids).not.toContain(elsewhere.id);
  });

  it("/teams/compact carries id, name, emoji, dates and the (absent) default inbox", async () => {
    const res = await agent.client.get("/api/v1/teams/compact");
    expect(res.status).toBe(200);
    expect(res.body.data.find((x: { id: number }) => x.id === teamId)).toMatchObject({
      id: teamId,
      name: expect.any(String),
      emoji: expect.any(String),
      default_inbox_id: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect((await b.admin.get("/api/v1/teams/compact")).body.data.map((x: { id: number }) => x.id)).not.toContain(
      teamId,
    );
  });
});

describe("a conversation", () => {
  it("GET …/participants is an array of {id, first_name, last_name, avatar_url}; the follow routes keep {participants}", async () => {
    const conversation = await createConversation(t, a, {});
    const followed = await agent.client.post(`/api/v1/conversations/${conversation.uuid}/follow`);
    expect(followed.status).toBe(200);
    expect(followed.body.data.participants.map((p: { id: number }) => p.id)).toEqual([agent.id]);
    const res = await agent.client.get(`/api/v1/conversations/${conversation.uuid}/participants`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { id: agent.id, first_name: "Ann", last_name: "Smith", email: agent.email, avatar_url: null, type: "agent" },
    ]);
  });

  it("the conversation pane's fields: ids, names, inbox address, contact, SLA fields", async () => {
    const inbox = await createInbox(t, a, { name: "Billing" });
    const conversation = await createConversation(t, a, {
      inboxId: inbox.id,
      assignedUserId: agent.id,
      assignedTeamId: teamId,
      priorityId: 2,
      tags: ["vip"],
    });
    const res = await agent.client.get(`/api/v1/conversations/${conversation.uuid}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: conversation.id,
      uuid: conversation.uuid,
      reference_number: conversation.referenceNumber,
      subject: "Help needed",
      status: "Open",
      status_id: expect.any(Number),
      priority: "Medium",
      priority_id: 2,
      assigned_user_id: agent.id,
      assigned_team_id: teamId,
      inbox_id: inbox.id,
      inbox_name: "Billing",
      inbox_channel: "email",
      inbox_mail: "support@example.com",
      tags: ["vip"],
      custom_attributes: {},
      unread_message_count: 0,
      contact: {
        id: expect.any(Number),
        first_name: "Casey",
        last_name: "Customer",
        email: expect.any(String),
        avatar_url: null,
        phone_number: null,
        type: "contact",
      },
      first_response_deadline_at: null,
      resolution_deadline_at: null,
      next_response_deadline_at: null,
      next_response_met_at: null,
    });
    for (const key of [
      "last_message",
      "last_message_at",
      "waiting_since",
      "created_at",
      "updated_at",
      "first_reply_at",
      "resolved_at",
      "closed_at",
      "snoozed_until",
    ]) {
      expect(res.body.data, key).toHaveProperty(key);
    }
    expect(res.body.data.previous_conversations).toEqual([]);
  });

  it("lists the contact's earlier conversations the caller sees, for the sidebar", async () => {
    const first = await createConversation(t, a, { subject: "First question" });
    const second = await createConversation(t, a, { subject: "Second question", contactId: first.contactId });
    const hidden = await createConversation(t, a, {
      subject: "Someone else's",
      contactId: first.contactId,
      assignedUserId: a.adminId,
    });
    const reader = await createAgent(t, a, { permissions: ["conversations:read", "conversations:read_unassigned"] });
    const res = await reader.client.get(`/api/v1/conversations/${second.uuid}`);
    expect(res.status).toBe(200);
    expect(res.body.data.previous_conversations).toEqual([
      expect.objectContaining({
        uuid: first.uuid,
        subject: "First question",
        status: "Open",
        last_message: expect.any(String),
        created_at: expect.any(String),
        contact: { first_name: "Casey", last_name: "Customer", avatar_url: null },
      }),
    ]);
    const admin = await a.admin.get(`/api/v1/conversations/${second.uuid}`);
    expect(admin.body.data.previous_conversations.map((p: { uuid: string }) => p.uuid).sort()).toEqual(
      [first.uuid, hidden.uuid].sort(),
    );
  });
});
