import { wakeSnoozedConversations } from "@helperiq/core/conversation/snooze";
import { conversations, messages, pageVisits } from "@helperiq/core/schema";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createMessage,
  createTeam,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let bob: TestAgent;
let reader: TestAgent;

const BASE = "/api/v1/conversations";

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  bob = await createAgent(t, a, {
    firstName: "Bob",
    permissions: ["conversations:read", "conversations:read_assigned", "conversations:read_unassigned"],
  });
  reader = await createAgent(t, a, { permissions: ["conversations:read", "conversations:read_unassigned"] });
  for (const name of ["billing", "vip"]) await a.admin.post("/api/v1/tags", { name });
});
afterAll(() => t.close());

/** Runs a request and returns it with the domain events it published. */
async function withEvents<T>(run: () => Promise<T>) {
  const from = t.published.length;
  const res = await run();
  return { res, events: t.published.slice(from) };
}

const activities = (conversationId: number) =>
  t.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.type, "activity")))
    .orderBy(asc(messages.id));

const row = async (id: number) =>
  (await t.database.db.select().from(conversations).where(eq(conversations.id, id)))[0]!;

describe("status", () => {
  it("resolves: resolved_at set, one activity, an update event with only the changed fields", async () => {
    const conv = await createConversation(t, a);
    const { res, events } = await withEvents(() => a.admin.put(`${BASE}/${conv.uuid}/status`, { status: "Resolved" }));
    expect(res.status).toBe(200);
    const now = t.clock.now().toISOString();
    const [activity] = await activities(conv.id);
    expect(activity).toMatchObject({
      type: "activity",
      senderType: "system",
      senderId: a.adminId,
      private: false,
      content: "Ada Admin set status to Resolved",
      textContent: "Ada Admin set status to Resolved",
      meta: { activity: "status", status: "Resolved" },
    });
    expect(events).toEqual([
      {
        type: "conversation_update",
        tenantId: a.id,
        conversationUuid: conv.uuid,
        changes: { status: "Resolved", resolved_at: now },
      },
      { type: "new_message", tenantId: a.id, conversationUuid: conv.uuid, messageUuid: activity!.uuid },
    ]);
    expect((await row(conv.id)).resolvedAt?.toISOString()).toBe(now);
  });

  it("Closed sets closed_at; setting the same status again changes nothing", async () => {
    const conv = await createConversation(t, a);
    await a.admin.put(`${BASE}/${conv.uuid}/status`, { status: "closed" });
    expect((await row(conv.id)).closedAt).not.toBeNull();
    const { events } = await withEvents(() => a.admin.put(`${BASE}/${conv.uuid}/status`, { status: "Closed" }));
    expect(events).toEqual([]);
    expect(await activities(conv.id)).toHaveLength(1);
  });

  it("rejects unknown statuses and bad snooze durations, naming the field", async () => {
    const conv = await createConversation(t, a);
    const put = (body: unknown) => a.admin.put(`${BASE}/${conv.uuid}/status`, body);
    expect((await put({ status: "Nope" })).body.data.message).toMatch(/^status: /);
    expect((await put({})).body.data.message).toMatch(/^status: /);
    for (const snoozed_until of [undefined, "soon", "0m", "366d", "24 h"]) {
      const res = await put({ status: "Snoozed", snoozed_until });
      expect(res.status).toBe(400);
      expect(res.body.data.message).toMatch(/^snoozed_until: /);
    }
    expect(await activities(conv.id)).toEqual([]);
  });

  it("snoozes for a duration; the wake-up reopens it when due, once, as the System user", async () => {
    const conv = await createConversation(t, a);
    const res = await a.admin.put(`${BASE}/${conv.uuid}/status`, { status: "Snoozed", snoozed_until: "30m" });
    expect(res.status).toBe(200);
    const until = new Date(t.clock.now().getTime() + 30 * 60_000);
    expect((await row(conv.id)).snoozedUntil?.toISOString()).toBe(until.toISOString());

    expect((await wakeSnoozedConversations(t.jobs, t.clock.now())).woken).toBe(0);
    t.clock.advance(30 * 60_000);
    const from = t.published.length;
    const woke = await wakeSnoozedConversations(t.jobs, t.clock.now());
    expect(woke.woken).toBe(1);
    // Published by the job itself once the change committed.
    expect(t.published[from]).toEqual({
      type: "conversation_update",
      tenantId: a.id,
      conversationUuid: conv.uuid,
      changes: { status: "Open", snoozed_until: null },
    });
    expect((await wakeSnoozedConversations(t.jobs, t.clock.now())).woken).toBe(0);
    const detail = (await a.admin.get(`${BASE}/${conv.uuid}`)).body.data;
    expect(detail).toMatchObject({ status: "Open", snoozed_until: null });
    const last = (await activities(conv.id)).at(-1)!;
    expect(last).toMatchObject({
      content: "Reopened after snooze",
      senderId: a.systemUserId,
      meta: { activity: "snooze_ended" },
    });
  });

  it("reopening by hand clears snoozed_until", async () => {
    const conv = await createConversation(t, a);
    await a.admin.put(`${BASE}/${conv.uuid}/status`, { status: "Snoozed", snoozed_until: "3d" });
    const { events } = await withEvents(() => a.admin.put(`${BASE}/${conv.uuid}/status`, { status: "Open" }));
    expect(events[0]).toMatchObject({ changes: { status: "Open", snoozed_until: null } });
    expect((await row(conv.id)).snoozedUntil).toBeNull();
  });

  it("needs conversations:update_status (403); other workspaces' and invisible conversations are 404", async () => {
    const conv = await createConversation(t, a);
    expect((await reader.client.put(`${BASE}/${conv.uuid}/status`, { status: "Resolved" })).status).toBe(403);
    const other = await createConversation(t, b);
    expect((await a.admin.put(`${BASE}/${other.uuid}/status`, { status: "Resolved" })).status).toBe(404);
    const changer = await createAgent(t, a, {
      permissions: ["conversations:update_status", "conversations:read_assigned"],
    });
    expect((await changer.client.put(`${BASE}/${conv.uuid}/status`, { status: "Resolved" })).status).toBe(404);
    expect(await activities(conv.id)).toEqual([]);
  });
});

describe("priority, subject, contact", () => {
  it("sets and clears the priority by name or id", async () => {
    const conv = await createConversation(t, a);
    const { events } = await withEvents(() => a.admin.put(`${BASE}/${conv.uuid}/priority`, { priority: "high" }));
    expect(events[0]).toMatchObject({ type: "conversation_update", changes: { priority: "High", priority_id: 3 } });
    await a.admin.put(`${BASE}/${conv.uuid}/priority`, { priority: null });
    expect((await row(conv.id)).priorityId).toBeNull();
    expect((await a.admin.put(`${BASE}/${conv.uuid}/priority`, { priority: 9 })).body.data.message).toMatch(
      /^priority: /,
    );
    expect((await activities(conv.id)).map((m) => m.content)).toEqual([
      "Ada Admin set priority to High",
      "Ada Admin removed the priority",
    ]);
  });

  it("changes the subject (1..500 characters)", async () => {
    const conv = await createConversation(t, a);
    const { events } = await withEvents(() => a.admin.put(`${BASE}/${conv.uuid}/subject`, { subject: "Refund" }));
    expect(events[0]).toMatchObject({ changes: { subject: "Refund" } });
    expect((await a.admin.put(`${BASE}/${conv.uuid}/subject`, { subject: "" })).body.data.message).toMatch(
      /^subject: /,
    );
    expect((await a.admin.put(`${BASE}/${conv.uuid}/subject`, { subject: "x".repeat(501) })).status).toBe(400);
  });

  it("moves the conversation to another contact of the workspace only", async () => {
    const conv = await createConversation(t, a);
    const contact = await createContact(t, a, { firstName: "Dana" });
    const res = await a.admin.put(`${BASE}/${conv.uuid}/contact`, { contact_id: contact.id });
    expect(res.status).toBe(200);
    expect((await row(conv.id)).contactId).toBe(contact.id);
    const foreign = await createContact(t, b);
    expect((await a.admin.put(`${BASE}/${conv.uuid}/contact`, { contact_id: foreign.id })).body.data.message).toMatch(
      /^contact_id: /,
    );
    expect((await a.admin.put(`${BASE}/${conv.uuid}/contact`, { contact_id: bob.id })).status).toBe(400);
  });
});

describe("tags and custom attributes", () => {
  it("replaces the whole tag set with existing tags; an unknown name is a 400 naming tags[i]", async () => {
    const conv = await createConversation(t, a, { tags: ["billing"] });
    const { events } = await withEvents(() => a.admin.post(`${BASE}/${conv.uuid}/tags`, { tags: ["VIP"] }));
    expect(events[0]).toMatchObject({ changes: { tags: ["vip"] } });
    expect((await a.admin.get(`${BASE}/${conv.uuid}`)).body.data.tags).toEqual(["vip"]);
    const bad = await a.admin.post(`${BASE}/${conv.uuid}/tags`, { tags: ["vip", "nope"] });
    expect(bad.status).toBe(400);
    expect(bad.body.data.message).toMatch(/^tags\[1\]: /);
    expect((await bob.client.post(`${BASE}/${conv.uuid}/tags`, { tags: [] })).status).toBe(403);
  });

  it("merges checked custom attributes into the conversation and its contact (PUT /api/v1/conversations/:uuid/custom-attributes, PUT /api/v1/conversations/:uuid/contacts/custom-attributes); null removes a key", async () => {
    await a.admin.post("/api/v1/custom-attributes", {
      applies_to: "conversation",
      name: "Plan",
      key: "plan",
      type: "text",
    });
    await a.admin.post("/api/v1/custom-attributes", {
      applies_to: "contact",
      name: "Tier",
      key: "tier",
      type: "number",
    });
    const conv = await createConversation(t, a, { customAttributes: { plan: "free" } });
    const { res, events } = await withEvents(() =>
      bob.client.put(`${BASE}/${conv.uuid}/custom-attributes`, { plan: "pro" }),
    );
    expect(res.status).toBe(200);
    expect(events[0]).toMatchObject({ changes: { custom_attributes: { plan: "pro" } } });
    await bob.client.put(`${BASE}/${conv.uuid}/custom-attributes`, { plan: null });
    expect((await row(conv.id)).customAttributes).toEqual({});
    expect((await bob.client.put(`${BASE}/${conv.uuid}/custom-attributes`, { nope: 1 })).body.data.message).toMatch(
      /^custom_attributes\.nope: /,
    );

    expect((await bob.client.put(`${BASE}/${conv.uuid}/contacts/custom-attributes`, { tier: 2 })).status).toBe(200);
    const contact = (await a.admin.get(`/api/v1/contacts/${conv.contactId}`)).body.data;
    expect(contact.custom_attributes).toEqual({ tier: 2 });
    expect(
      (await bob.client.put(`${BASE}/${conv.uuid}/contacts/custom-attributes`, { tier: "x" })).body.data.message,
    ).toMatch(/^custom_attributes\.tier: /);
  });
});

describe("assignment", () => {
  it("assigns an agent, who is notified; self-assigning notifies nobody", async () => {
    const conv = await createConversation(t, a, { subject: "Assign me" });
    const { res, events } = await withEvents(() =>
      a.admin.put(`${BASE}/${conv.uuid}/assignee/user`, { assignee_id: bob.id }),
    );
    expect(res.status).toBe(200);
    expect(events[0]).toMatchObject({ changes: { assigned_user_id: bob.id } });
    await t.queue.drain();
    const list = (await bob.client.get("/api/v1/notifications")).body.data.results;
    expect(list).toEqual([
      expect.objectContaining({
        type: "assigned",
        title: "Ada Admin assigned you a conversation",
        conversation_uuid: conv.uuid,
      }),
    ]);

    const mine = await createConversation(t, a);
    await a.admin.put(`${BASE}/${mine.uuid}/assignee/user`, { assignee_id: a.adminId });
    await t.queue.drain();
    expect((await a.admin.get("/api/v1/notifications")).body.data.results).toEqual([]);
  });

  it("rejects non-agents and other workspaces' agents; removes the assignee", async () => {
    const conv = await createConversation(t, a, { assignedUserId: bob.id });
    const other = await createAgent(t, b);
    expect(
      (await a.admin.put(`${BASE}/${conv.uuid}/assignee/user`, { assignee_id: other.id })).body.data.message,
    ).toMatch(/^assignee_id: /);
    expect((await a.admin.put(`${BASE}/${conv.uuid}/assignee/user`, {})).body.data.message).toMatch(/^assignee_id: /);
    const { events } = await withEvents(() => a.admin.put(`${BASE}/${conv.uuid}/assignee/user/remove`));
    expect(events[0]).toMatchObject({ changes: { assigned_user_id: null } });
    expect((await bob.client.put(`${BASE}/${conv.uuid}/assignee/user/remove`)).status).toBe(403);
  });

  it("assigns and removes a team of the workspace (PUT /api/v1/conversations/:uuid/assignee/team, PUT /api/v1/conversations/:uuid/assignee/team/remove)", async () => {
    const team = await createTeam(t, a);
    const conv = await createConversation(t, a);
    const { events } = await withEvents(() =>
      a.admin.put(`${BASE}/${conv.uuid}/assignee/team`, { assignee_id: team.id }),
    );
    expect(events[0]).toMatchObject({ changes: { assigned_team_id: team.id } });
    const foreign = await createTeam(t, b);
    expect((await a.admin.put(`${BASE}/${conv.uuid}/assignee/team`, { assignee_id: foreign.id })).status).toBe(400);
    await a.admin.put(`${BASE}/${conv.uuid}/assignee/team/remove`);
    expect((await row(conv.id)).assignedTeamId).toBeNull();
  });
});

describe("trash, spam and delete", () => {
  it("trashes and restores, marks spam and not-spam (PUT /api/v1/conversations/:uuid/spam, PUT /api/v1/conversations/:uuid/not-spam); deletes only from the trash", async () => {
    const conv = await createConversation(t, a);
    const status = async () => (await a.admin.get(`${BASE}/${conv.uuid}`)).body.data.status;
    expect((await a.admin.put(`${BASE}/${conv.uuid}/restore`)).status).toBe(400);
    expect((await a.admin.delete(`${BASE}/${conv.uuid}`)).body.data.message).toMatch(/^status: /);
    await a.admin.put(`${BASE}/${conv.uuid}/spam`);
    expect(await status()).toBe("Spam");
    await a.admin.put(`${BASE}/${conv.uuid}/not-spam`);
    expect(await status()).toBe("Open");
    await a.admin.put(`${BASE}/${conv.uuid}/trash`);
    expect(await status()).toBe("Trashed");
    await a.admin.put(`${BASE}/${conv.uuid}/restore`);
    expect(await status()).toBe("Open");
    await a.admin.put(`${BASE}/${conv.uuid}/trash`);
    expect((await reader.client.delete(`${BASE}/${conv.uuid}`)).status).toBe(403);
    expect((await a.admin.delete(`${BASE}/${conv.uuid}`)).status).toBe(200);
    expect((await a.admin.get(`${BASE}/${conv.uuid}`)).status).toBe(404);
    expect(await activities(conv.id)).toEqual([]);
  });
});

describe("merge: POST /api/v1/conversations/merge", () => {
  it("moves every message into the target and closes the source, with an activity in each", async () => {
    const source = await createConversation(t, a);
    const target = await createConversation(t, a);
    const moved = await createMessage(t, a, source.id, { text: "from the source" });
    const { res, events } = await withEvents(() =>
      a.admin.post(`${BASE}/merge`, { source_uuid: source.uuid, target_uuid: target.uuid }),
    );
    expect(res.status).toBe(200);
    const [m] = await t.database.db.select().from(messages).where(eq(messages.id, moved.id));
    expect(m!.conversationId).toBe(target.id);
    expect((await a.admin.get(`${BASE}/${source.uuid}`)).body.data.status).toBe("Closed");
    expect((await activities(source.id)).map((x) => x.content)).toEqual([
      `Ada Admin merged this conversation into #${target.referenceNumber}`,
    ]);
    expect((await activities(target.id)).map((x) => x.content)).toEqual([
      `Ada Admin merged #${source.referenceNumber} into this conversation`,
    ]);
    expect(
      events
        .filter((e) => e.type === "conversation_update")
        .map((e) => e.conversationUuid)
        .sort(),
    ).toEqual([source.uuid, target.uuid].sort());
  });

  it("refuses the same conversation, invisible ones and other workspaces'", async () => {
    const conv = await createConversation(t, a);
    const other = await createConversation(t, b);
    const merge = (body: unknown, as = a.admin) => as.post(`${BASE}/merge`, body);
    expect((await merge({ source_uuid: conv.uuid, target_uuid: conv.uuid })).body.data.message).toMatch(
      /^target_uuid: /,
    );
    expect((await merge({ source_uuid: conv.uuid })).body.data.message).toMatch(/^target_uuid: /);
    expect((await merge({ source_uuid: conv.uuid, target_uuid: other.uuid })).status).toBe(404);
    expect((await merge({ source_uuid: conv.uuid, target_uuid: other.uuid }, bob.client)).status).toBe(403);
  });
});

describe("drafts and page visits", () => {
  it("keeps one draft per agent and conversation (POST, DELETE /api/v1/conversations/:uuid/draft; GET /api/v1/drafts)", async () => {
    const conv = await createConversation(t, a);
    const draft = { content: "<p>Draft</p>", private: true, to: ["x@example.org"], mentions: [bob.id] };
    expect((await bob.client.post(`${BASE}/${conv.uuid}/draft`, draft)).status).toBe(200);
    await bob.client.post(`${BASE}/${conv.uuid}/draft`, { ...draft, content: "<p>Second</p>" });
    const list = (await bob.client.get("/api/v1/drafts")).body.data;
    expect(list).toEqual([
      expect.objectContaining({
        conversation_uuid: conv.uuid,
        content: "<p>Second</p>",
        private: true,
        to: ["x@example.org"],
        mentions: [bob.id],
        macro_id: null,
      }),
    ]);
    expect((await a.admin.get("/api/v1/drafts")).body.data).toEqual([]);
    expect(
      (await bob.client.post(`${BASE}/${conv.uuid}/draft`, { content: "x".repeat(100_001) })).body.data.message,
    ).toMatch(/^content: /);
    await bob.client.delete(`${BASE}/${conv.uuid}/draft`);
    expect((await bob.client.get("/api/v1/drafts")).body.data).toEqual([]);
    const other = await createConversation(t, b);
    expect((await bob.client.post(`${BASE}/${other.uuid}/draft`, draft)).status).toBe(404);
  });

  it("lists page visits newest first", async () => {
    const conv = await createConversation(t, a);
    const at = (min: number) => new Date(t.clock.now().getTime() - min * 60_000);
    await t.database.db.insert(pageVisits).values([
      { tenantId: a.id, conversationId: conv.id, url: "https://shop.example/old", title: "Old", createdAt: at(10) },
      { tenantId: a.id, conversationId: conv.id, url: "https://shop.example/new", title: "New", createdAt: at(1) },
    ]);
    const res = await bob.client.get(`${BASE}/${conv.uuid}/page-visits`);
    expect(res.body.data.map((v: { title: string }) => v.title)).toEqual(["New", "Old"]);
  });
});

describe("macro apply: POST /api/v1/conversations/:uuid/macros/:id/apply", () => {
  const macro = async (actions: unknown[]) =>
    (await a.admin.post("/api/v1/macros", { name: `m${Math.random()}`, actions })).body.data.id as number;

  it("applies each action like its route and returns the conversation", async () => {
    const id = await macro([
      { type: "set_status", value: "Resolved" },
      { type: "set_priority", value: "Urgent" },
      { type: "add_tag", value: "vip" },
      { type: "assign_user", value: String(bob.id) },
    ]);
    const conv = await createConversation(t, a, { tags: ["billing"] });
    const { res, events } = await withEvents(() => a.admin.post(`${BASE}/${conv.uuid}/macros/${id}/apply`));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      uuid: conv.uuid,
      status: "Resolved",
      priority: "Urgent",
      assigned_user_id: bob.id,
      tags: ["billing", "vip"],
    });
    expect(events.filter((e) => e.type === "conversation_update")).toHaveLength(4);
    expect(await activities(conv.id)).toHaveLength(4);
    expect((await a.admin.get(`/api/v1/macros/${id}`)).body.data.usage_count).toBe(1);
  });

  it("a forbidden action is 403 and nothing is applied", async () => {
    const id = await macro([
      { type: "add_tag", value: "vip" },
      { type: "set_status", value: "Resolved" },
    ]);
    const tagger = await createAgent(t, a, {
      permissions: ["conversations:read", "conversations:read_unassigned", "conversations:update_tags"],
    });
    const conv = await createConversation(t, a);
    const res = await tagger.client.post(`${BASE}/${conv.uuid}/macros/${id}/apply`);
    expect(res.status).toBe(403);
    expect(await activities(conv.id)).toEqual([]);
    expect((await a.admin.get(`${BASE}/${conv.uuid}`)).body.data.tags).toEqual([]);
    expect((await a.admin.get(`/api/v1/macros/${id}`)).body.data.usage_count).toBe(0);
    const other = await createConversation(t, b);
    expect((await a.admin.post(`${BASE}/${other.uuid}/macros/${id}/apply`)).status).toBe(404);
  });
});
