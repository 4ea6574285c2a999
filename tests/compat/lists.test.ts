import { conversationParticipants } from "@helperiq/core/conversation/conversation.sql";
import { tags } from "@helperiq/core/tag/tag.sql";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Client, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createInbox,
  createTeam,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

/**
 * List queries exactly as LibreDesk's agent UI builds them (stores/conversation.js, ConversationFilterPanel.vue,
 * ContactsList.vue of mageaustralia/libredesk): `order_by` qualified with the table, filters as
 * `{model, field, operator, value}` with string values and JSON-encoded lists, beside HelperIQ's documented
 * `{field, operator, value}` form. Each answer must carry the page fields and row fields the UI reads.
 */

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;
let other: TestAgent;
let teamId: number;
let billingTagId: number;
let inbox: { id: number; name: string };
const uuids: Record<string, string> = {};

/** Query string as axios serialises the UI's params object: every value a string, filters JSON text. */
const qs = (params: Record<string, string | number | object>) =>
  "?" +
  new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [
      k,
      typeof v === "object" ? JSON.stringify(v) : String(v),
    ]),
  );

/** The params object stores/conversation.js sends for every list ("newest" sort, 50 a page, status Open). */
const uiList = (extra: Record<string, string | number | object> = {}, status: string | null = "Open") =>
  qs({
    page: 1,
    page_size: 50,
    order_by: "conversations.last_message_at",
    order: "desc",
    ...(status === null
      ? {}
      : { filters: [{ model: "conversation_statuses", field: "name", operator: "equals", value: status }] }),
    ...extra,
  });

const subjects = (res: { body: any }) => (res.body.data.results as { subject: string }[]).map((r) => r.subject).sort();

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, {
    permissions: [
      "conversations:read",
      "conversations:read_assigned",
      "conversations:read_unassigned",
      "conversations:read_team_inbox",
    ],
  });
  other = await createAgent(t, a, { permissions: ["conversations:read"] });
  teamId = (await createTeam(t, a, [agent.id])).id;
  inbox = await createInbox(t, a, { name: "Support desk" });
  const vip = await createContact(t, a, { email: "vip.customer@example.org", firstName: "Vera" });
  const base = t.clock.now().getTime();
  const plan: [string, Parameters<typeof createConversation>[2]][] = [
    ["Open mine", { status: "Open", assignedUserId: 0, priorityId: 3, tags: ["billing"] }],
    ["Open theirs", { status: "Open", assignedUserId: -1, priorityId: 1 }],
    ["Open unassigned", { status: "Open", tags: ["billing", "vip"], contactId: vip.id }],
    ["Open team", { status: "Open", assignedTeamId: teamId, priorityId: 4 }],
    ["Snoozed mine", { status: "Snoozed", assignedUserId: 0 }],
    ["Resolved unassigned", { status: "Resolved", priorityId: 3 }],
  ];
  for (const [i, [subject, opts]] of plan.entries()) {
    const assignedUserId = opts!.assignedUserId === 0 ? agent.id : opts!.assignedUserId === -1 ? other.id : null;
    const row = await createConversation(t, a, {
      ...opts,
      assignedUserId,
      subject,
      inboxId: inbox.id,
      lastMessageAt: new Date(base + i * 60_000),
    });
    uuids[subject] = row.uuid;
  }
  await createConversation(t, b, { subject: "Open elsewhere", status: "Open", priorityId: 3 });
  const [tag] = await t.database.db
    .select({ id: tags.id })
    .from(tags)
    .where(and(eq(tags.tenantId, a.id), eq(tags.name, "billing")));
  billingTagId = tag!.id;
});
afterAll(() => t.close());

describe("conversation lists as LibreDesk's UI requests them", () => {
  it("all: model-qualified order_by, the status filter by name, and the page and row fields the UI reads", async () => {
    const res = await a.admin.get(`/api/v1/conversations/all${uiList()}`);
    expect(res.status).toBe(200);
    expect(subjects(res)).toEqual(["Open mine", "Open team", "Open theirs", "Open unassigned"]);
    expect(res.body.data).toMatchObject({ total: 4, per_page: 50, page_size: 50, total_pages: 1, page: 1 });
    const row = res.body.data.results.find((r: { subject: string }) => r.subject === "Open unassigned");
    expect(row).toMatchObject({
      uuid: uuids["Open unassigned"],
      id: expect.any(Number),
      status: "Open",
      status_id: expect.any(Number),
      priority: null,
      priority_id: null,
      assigned_user_id: null,
      assigned_team_id: null,
      inbox_id: inbox.id,
      inbox_name: "Support desk",
      inbox_channel: "email",
      contact: {
        id: expect.any(Number),
        first_name: "Vera",
        last_name: "Customer",
        email: "vip.customer@example.org",
        avatar_url: null,
      },
      last_message: expect.any(String),
      unread_message_count: 0,
      unread_count: 0,
      has_draft: false,
      first_reply_at: null,
      resolved_at: null,
      first_response_deadline_at: null,
      resolution_deadline_at: null,
      next_response_deadline_at: null,
      next_response_met_at: null,
      tags: ["billing", "vip"],
    });
    for (const key of ["last_message_at", "created_at", "updated_at"])
      expect(new Date(row[key]).toISOString()).toBe(row[key]);
    expect(row).toHaveProperty("waiting_since");
    expect(row).toHaveProperty("last_message_sender");
  });

  it("newest first by default sort; every sort the UI offers is accepted, upper-case direction too", async () => {
    const newest = await a.admin.get(`/api/v1/conversations/all${uiList()}`);
    expect(newest.body.data.results.map((r: { subject: string }) => r.subject)).toEqual([
      "Open team",
      "Open unassigned",
      "Open theirs",
      "Open mine",
    ]);
    const oldest = await a.admin.get(`/api/v1/conversations/all${uiList({ order: "ASC" })}`);
    expect(oldest.body.data.results[0].subject).toBe("Open mine");
    for (const [field, order] of [
      ["last_message_at", "asc"],
      ["created_at", "asc"],
      ["created_at", "desc"],
      ["waiting_since", "asc"],
      ["next_sla_deadline_at", "asc"],
      ["priority_id", "desc"],
    ]) {
      const res = await a.admin.get(
        `/api/v1/conversations/all${uiList({ order_by: `conversations.${field}`, order: order! })}`,
      );
      expect(res.status, field).toBe(200);
      expect(res.body.data.total, field).toBe(4);
    }
    const priorityFirst = await a.admin.get(
      `/api/v1/conversations/all${uiList({ order_by: "conversations.priority_id", order: "desc" })}`,
    );
    expect(priorityFirst.body.data.results[0].subject).toBe("Open team");
  });

  it("the status filter as a JSON-encoded list (`in`), and the UI's 'all unresolved' selection", async () => {
    const value = JSON.stringify(["Open", "Snoozed"]);
    const res = await a.admin.get(
      `/api/v1/conversations/all${qs({ page: 1, page_size: 25, order_by: "conversations.last_message_at", order: "desc", filters: [{ model: "conversation_statuses", field: "name", operator: "in", value }] })}`,
    );
    expect(res.status).toBe(200);
    expect(subjects(res)).toEqual(["Open mine", "Open team", "Open theirs", "Open unassigned", "Snoozed mine"]);
    const byId = await a.admin.get(
      `/api/v1/conversations/all${uiList({ filters: [{ model: "conversation_statuses", field: "id", operator: "equals", value: String(res.body.data.results[0].status_id) }] }, null)}`,
    );
    expect(byId.status).toBe(200);
    expect(byId.body.data.total).toBeGreaterThan(0);
  });

  it("HelperIQ's documented example: priority by name, and status by name, beside the id fields", async () => {
    const high = await a.admin.get(
      `/api/v1/conversations/all${qs({ filters: [{ field: "priority", operator: "=", value: "High" }] })}`,
    );
    expect(high.status).toBe(200);
    expect(subjects(high)).toEqual(["Open mine", "Resolved unassigned"]);
    const lower = await a.admin.get(
      `/api/v1/conversations/all${qs({ filters: [{ field: "priority", operator: "in", value: ["low", "urgent"] }] })}`,
    );
    expect(subjects(lower)).toEqual(["Open team", "Open theirs"]);
    const notHigh = await a.admin.get(
      `/api/v1/conversations/all${qs({
        filters: [
          { field: "priority", operator: "!=", value: "High" },
          { field: "status", operator: "=", value: "open" },
        ],
      })}`,
    );
    expect(subjects(notHigh)).toEqual(["Open team", "Open theirs", "Open unassigned"]);
    const byId = await a.admin.get(
      `/api/v1/conversations/all${qs({ filters: [{ field: "priority_id", operator: "=", value: 3 }] })}`,
    );
    expect(subjects(byId)).toEqual(["Open mine", "Resolved unassigned"]);
  });

  it("assignee, team and inbox by what a person writes: an email, a team or inbox name, or an id", async () => {
    const byEmail = await a.admin.get(
      `/api/v1/conversations/all${qs({ filters: [{ field: "assigned_user", operator: "=", value: agent.email.toUpperCase() }] })}`,
    );
    expect(subjects(byEmail)).toEqual(["Open mine", "Snoozed mine"]);
    const team = await a.admin.get(
      `/api/v1/conversations/all${qs({ filters: [{ field: "assigned_team", operator: "=", value: String(teamId) }] })}`,
    );
    expect(subjects(team)).toEqual(["Open team"]);
    const inboxByName = await a.admin.get(
      `/api/v1/conversations/all${qs({ filters: [{ field: "inbox", operator: "=", value: "support DESK" }] })}`,
    );
    expect(inboxByName.body.data.total).toBe(6);
  });

  it("the filter panel's ad-hoc filters: agents in / not_in / in_or_null, teams, priorities and tag ids as JSON lists", async () => {
    const panel = async (filters: object[]) => {
      const res = await a.admin.get(
        `/api/v1/conversations/all${uiList({ filters: [...filters, { model: "conversation_statuses", field: "name", operator: "equals", value: "Open" }] }, null)}`,
      );
      expect(res.status, JSON.stringify(filters)).toBe(200);
      return subjects(res);
    };
    const ids = (...n: number[]) => JSON.stringify(n.map(String));
    expect(
      await panel([{ field: "assigned_user_id", operator: "in", value: ids(agent.id), model: "conversations" }]),
    ).toEqual(["Open mine"]);
    expect(
      await panel([{ field: "assigned_user_id", operator: "not_in", value: ids(agent.id), model: "conversations" }]),
    ).toEqual(["Open team", "Open theirs", "Open unassigned"]);
    expect(
      await panel([
        { field: "assigned_user_id", operator: "in_or_null", value: ids(other.id), model: "conversations" },
      ]),
    ).toEqual(["Open team", "Open theirs", "Open unassigned"]);
    expect(
      await panel([{ field: "assigned_user_id", operator: "not set", value: "", model: "conversations" }]),
    ).toEqual(["Open team", "Open unassigned"]);
    expect(
      await panel([{ field: "assigned_team_id", operator: "in", value: ids(teamId), model: "conversations" }]),
    ).toEqual(["Open team"]);
    expect(
      await panel([
        { field: "priority_id", operator: "in", value: JSON.stringify(["1", "4"]), model: "conversations" },
      ]),
    ).toEqual(["Open team", "Open theirs"]);
    expect(
      await panel([
        { field: "tags", operator: "contains", value: JSON.stringify([String(billingTagId)]), model: "conversations" },
      ]),
    ).toEqual(["Open mine", "Open unassigned"]);
    expect(
      await panel([
        { field: "tags", operator: "not contains", value: JSON.stringify([billingTagId]), model: "conversations" },
      ]),
    ).toEqual(["Open team", "Open theirs"]);
    expect(await panel([{ field: "email", operator: "ilike", value: "vip.cust", model: "users" }])).toEqual([
      "Open unassigned",
    ]);
    expect(
      await panel([{ field: "created_at", operator: "relative_date", value: "today", model: "conversations" }]),
    ).toHaveLength(4);
    expect(
      await panel([{ field: "closed_at", operator: "relative_date", value: "last_7_days", model: "conversations" }]),
    ).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(
      await panel([{ field: "created_at", operator: "equals", value: today, model: "conversations" }]),
    ).toHaveLength(4);
    expect(
      await panel([{ field: "created_at", operator: "between", value: `2000-01-01,${today}`, model: "conversations" }]),
    ).toHaveLength(4);
  });

  it("values stay parameters: a quote in a status name matches nothing and breaks nothing", async () => {
    const res = await a.admin.get(`/api/v1/conversations/all${uiList({}, "Open' OR '1'='1")}`);
    expect(res.status).toBe(200);
    expect(res.body.data.total).toBe(0);
  });

  it("unknown models, fields and operators are 400s naming them; bad JSON lists too", async () => {
    const bad = async (filter: object, message: RegExp) => {
      const res = await a.admin.get(`/api/v1/conversations/all${uiList({ filters: [filter] }, null)}`);
      expect(res.status, JSON.stringify(filter)).toBe(400);
      expect(res.body.data.type).toBe("InputError");
      expect(res.body.data.message).toMatch(message);
    };
    await bad(
      { model: "secrets", field: "name", operator: "equals", value: "x" },
      /filters\[0\]\.model: unknown model "secrets"/,
    );
    await bad(
      { model: "conversations", field: "password", operator: "equals", value: "x" },
      /filters\[0\]\.field: unknown field "password" for model "conversations"/,
    );
    await bad(
      { model: "users", field: "password", operator: "equals", value: "x" },
      /unknown field "password" for model "users"/,
    );
    await bad(
      { model: "conversations", field: "status_id", operator: "regex", value: "1" },
      /filters\[0\]\.operator: unknown operator "regex"/,
    );
    await bad(
      { model: "conversations", field: "assigned_user_id", operator: "in", value: "[1," },
      /filters\[0\]\.value: must be a JSON-encoded array/,
    );
    await bad(
      { model: "conversations", field: "created_at", operator: "relative_date", value: "next_year" },
      /unknown relative date "next_year"/,
    );
    await bad({ field: "priorityy", operator: "=", value: "High" }, /unknown field "priorityy"/);
    const order = await a.admin.get(`/api/v1/conversations/all${uiList({ order_by: "users.password" })}`);
    expect(order.status).toBe(400);
    expect(order.body.data.message).toMatch(/^order_by:/);
  });

  it("assigned, unassigned, mentioned, team and view lists take the same query", async () => {
    const assigned = await agent.client.get(`/api/v1/conversations/assigned${uiList()}`);
    expect(assigned.status).toBe(200);
    expect(subjects(assigned)).toEqual(["Open mine"]);
    const unassigned = await agent.client.get(`/api/v1/conversations/unassigned${uiList()}`);
    expect(subjects(unassigned)).toEqual(["Open unassigned"]);
    const team = await agent.client.get(`/api/v1/teams/${teamId}/conversations/unassigned${uiList()}`);
    expect(subjects(team)).toEqual(["Open team"]);

    const mentionedId = (await a.admin.get(`/api/v1/conversations/${uuids["Open theirs"]}`)).body.data.id;
    await t.database.db
      .insert(conversationParticipants)
      .values({ tenantId: a.id, conversationId: mentionedId, userId: agent.id, kind: "mentioned" });
    const mentioned = await agent.client.get(`/api/v1/conversations/mentioned${uiList()}`);
    expect(subjects(mentioned)).toEqual(["Open theirs"]);

    // A view saved by the UI keeps its LibreDesk filters (with `model`) and lists with the UI's params (no filters).
    const view = await agent.client.post("/api/v1/views/me", {
      name: "High priority",
      filters: [{ model: "conversations", field: "priority_id", operator: "equals", value: "3" }],
    });
    expect(view.status).toBe(201);
    expect(view.body.data.filters).toEqual([
      { model: "conversations", field: "priority_id", operator: "equals", value: "3" },
    ]);
    const viewList = await agent.client.get(
      `/api/v1/views/${view.body.data.id}/conversations${qs({ page: 1, page_size: 50, order_by: "conversations.last_message_at", order: "desc" })}`,
    );
    expect(viewList.status).toBe(200);
    expect(subjects(viewList)).toEqual(["Open mine", "Resolved unassigned"]);
    const badView = await agent.client.post("/api/v1/views/me", {
      name: "x",
      filters: [{ model: "nope", field: "id", operator: "equals", value: "1" }],
    });
    expect(badView.status).toBe(400);
  });

  it("never crosses workspaces", async () => {
    const res = await b.admin.get(`/api/v1/conversations/all${uiList()}`);
    expect(subjects(res)).toEqual(["Open elsewhere"]);
  });
});

describe("the contacts list as ContactsList.vue requests it", () => {
  const contacts = (client: Client, params: Record<string, string | number>) =>
    client.get(`/api/v1/contacts${qs(params)}`);

  it("pages with page/page_size, an empty filters string, users.* order_by, and the fields the page reads", async () => {
    const res = await contacts(a.admin, {
      page: 1,
      page_size: 15,
      filters: "",
      order: "desc",
      order_by: "users.created_at",
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      page: 1,
      per_page: 15,
      total: expect.any(Number),
      total_pages: expect.any(Number),
    });
    const contact = res.body.data.results[0];
    for (const key of ["id", "first_name", "last_name", "email", "avatar_url"]) expect(contact).toHaveProperty(key);
    const byEmail = await contacts(a.admin, {
      page: 1,
      page_size: 15,
      filters: "",
      order: "asc",
      order_by: "users.email",
    });
    const emails = byEmail.body.data.results.map((c: { email: string }) => c.email);
    expect(emails).toEqual([...emails].sort());
  });

  it("searches by email with the UI's users.email ilike filter", async () => {
    const filters = JSON.stringify([{ model: "users", field: "email", operator: "ilike", value: "vip.customer" }]);
    const res = await contacts(a.admin, {
      page: 1,
      page_size: 15,
      filters,
      order: "desc",
      order_by: "users.created_at",
    });
    expect(res.status).toBe(200);
    expect(res.body.data.results.map((c: { email: string }) => c.email)).toEqual(["vip.customer@example.org"]);
    const unknown = await contacts(a.admin, {
      filters: JSON.stringify([{ model: "conversations", field: "subject", operator: "ilike", value: "x" }]),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.data.message).toMatch(/unknown model "conversations"/);
  });
});
