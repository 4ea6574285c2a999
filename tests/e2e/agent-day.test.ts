import { wakeSnoozedConversations } from "@helperiq/core/conversation/snooze";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type Client, type TestApp } from "../support/app.ts";
import { createInbox, createTenant, TEST_PASSWORD, type TestTenant } from "../support/factories.ts";

/**
 * An agent's day through the API only (issue 4's walk-through): an admin sets up a team of two agents;
 * Alice creates a contact and a conversation, replies, mentions Bob in a note, tags it and hands it to
 * the team; Bob finds it in the team's unassigned queue, snoozes it, it wakes up, he resolves it, and
 * search finds it by a word of Alice's reply. Every step is a real HTTP call with a session cookie.
 */
let t: TestApp;
let ws: TestTenant;
let alice: Client;
let bob: Client;
let ids: { alice: number; bob: number; team: number; inbox: number };

beforeAll(async () => {
  t = await bootTestApp();
  ws = await createTenant(t);
  const admin = await ws.anonymous.login(ws.adminEmail, TEST_PASSWORD);
  const role = await admin.post("/api/v1/roles", {
    name: "Support agent",
    permissions: [
      "conversations:read",
      "conversations:read_assigned",
      "conversations:read_unassigned",
      "conversations:read_team_inbox",
      "conversations:write",
      "conversations:update_status",
      "conversations:update_tags",
      "conversations:update_team_assignee",
      "conversations:update_user_assignee",
      "messages:read",
      "messages:write",
      "contacts:read",
      "contacts:write",
    ],
  });
  expect(role.status).toBe(201);
  const hire = async (first_name: string, email: string) =>
    (await admin.post("/api/v1/agents", { first_name, email, roles: ["Support agent"], password: TEST_PASSWORD })).body
      .data.id as number;
  ids = {
    alice: await hire("Alice", "alice@example.com"),
    bob: await hire("Bob", "bob@example.com"),
    team: 0,
    inbox: 0,
  };
  ids.team = (await admin.post("/api/v1/teams", { name: "Billing", members: [ids.alice, ids.bob] })).body.data.id;
  expect((await admin.post("/api/v1/tags", { name: "refund" })).status).toBe(201);
  ids.inbox = (await createInbox(t, ws, { name: "Support" })).id; // inbox CRUD arrives with the email channel issue
  alice = await ws.anonymous.login("alice@example.com", TEST_PASSWORD);
  bob = await ws.anonymous.login("bob@example.com", TEST_PASSWORD);
});
afterAll(() => t.close());

describe("an agent's day", () => {
  it("runs from a new contact to a resolved, searchable conversation", async () => {
    // Alice: a contact, then a conversation with them.
    const contact = await alice.post("/api/v1/contacts/quick", {
      first_name: "Carla",
      last_name: "Customer",
      email: "carla@example.org",
    });
    expect(contact.status).toBe(201);
    const created = await alice.post("/api/v1/conversations", {
      inbox_id: ids.inbox,
      contact: { first_name: "Carla", email: "carla@example.org" },
      subject: "Double charge on my card",
      message: "<p>Hi Carla, we are looking into the charge.</p>",
    });
    expect(created.status).toBe(201);
    const { uuid } = created.body.data;
    expect(created.body.data.contact.id).toBe(contact.body.data.id);

    // A reply, then a private note mentioning Bob: he is notified.
    const reply = await alice.post(`/api/v1/conversations/${uuid}/messages`, {
      message: "<p>Your reimbursement was issued today.</p>",
      private: false,
    });
    expect(reply.status).toBe(201);
    const note = await alice.post(`/api/v1/conversations/${uuid}/messages`, {
      message: "<p>@Bob please double-check the ledger</p>",
      private: true,
      mentions: [ids.bob],
    });
    expect(note.status).toBe(201);
    await t.queue.drain();
    const bobsNotifications = (await bob.get("/api/v1/notifications")).body.data.results;
    expect(bobsNotifications).toEqual([expect.objectContaining({ type: "mention", conversation_uuid: uuid })]);

    // Tag it and hand it to the team (no agent assigned: it goes to the team's queue).
    expect((await alice.post(`/api/v1/conversations/${uuid}/tags`, { tags: ["refund"] })).status).toBe(200);
    expect((await alice.put(`/api/v1/conversations/${uuid}/assignee/team`, { assignee_id: ids.team })).status).toBe(
      200,
    );
    await alice.put(`/api/v1/conversations/${uuid}/assignee/user/remove`);

    // Bob sees it in the team's unassigned queue.
    const queue = await bob.get(`/api/v1/teams/${ids.team}/conversations/unassigned`);
    expect(queue.body.data.results.map((r: { uuid: string }) => r.uuid)).toEqual([uuid]);
    expect(queue.body.data.results[0].tags).toEqual(["refund"]);

    // Snooze for a day; the scheduled job wakes it once the day has passed.
    expect(
      (await bob.put(`/api/v1/conversations/${uuid}/status`, { status: "Snoozed", snoozed_until: "1d" })).status,
    ).toBe(200);
    expect((await bob.get(`/api/v1/conversations/${uuid}`)).body.data.status).toBe("Snoozed");
    t.clock.advance(25 * 60 * 60 * 1000);
    const woken = await wakeSnoozedConversations(t.jobs, t.clock.now());
    expect(woken.woken).toBeGreaterThanOrEqual(1);
    expect((await bob.get(`/api/v1/conversations/${uuid}`)).body.data).toMatchObject({
      status: "Open",
      snoozed_until: null,
    });

    // Bob resolves it.
    expect((await bob.put(`/api/v1/conversations/${uuid}/status`, { status: "Resolved" })).status).toBe(200);
    const resolved = (await bob.get(`/api/v1/conversations/${uuid}`)).body.data;
    expect(resolved.status).toBe("Resolved");
    expect(resolved.resolved_at).not.toBeNull();

    // The history tells the story, activities included.
    const history = (await bob.get(`/api/v1/conversations/${uuid}/messages?page_size=100`)).body.data.results;
    const activities = history
      .filter((m: { type: string }) => m.type === "activity")
      .map((m: { text_content: string }) => m.text_content);
    expect(activities.join("\n")).toMatch(/Resolved/);

    // Search finds it by a word of the reply, with the word marked.
    const found = await bob.get("/api/v1/search?q=reimbursement");
    expect(found.status).toBe(200);
    expect(found.body.data.conversations.map((c: { uuid: string }) => c.uuid)).toContain(uuid);
    expect(JSON.stringify(found.body.data.messages)).toContain("<mark>reimbursement</mark>");
  });
});
