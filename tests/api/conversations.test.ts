import { conversationParticipants } from "@helperiq/core/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
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
let teamMember: TestAgent;
let outsider: TestAgent;
let teamAllAgent: TestAgent;
let unassignedReader: TestAgent;
let teamId: number;
const conv: Record<string, { id: number; uuid: string; referenceNumber: number }> = {};

const READ = ["conversations:read", "messages:read"] as const;
const subjects = (res: { body: any }) => res.body.data.results.map((r: { subject: string }) => r.subject).sort();

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  teamMember = await createAgent(t, a, {
    permissions: [...READ, "conversations:read_assigned", "conversations:read_team_inbox"],
  });
  outsider = await createAgent(t, a, { permissions: [...READ, "conversations:read_assigned"] });
  teamAllAgent = await createAgent(t, a, { permissions: [...READ, "conversations:read_team_all"] });
  unassignedReader = await createAgent(t, a, { permissions: [...READ, "conversations:read_unassigned"] });
  teamId = (await createTeam(t, a, [teamMember.id, teamAllAgent.id])).id;
  conv.mine = await createConversation(t, a, { subject: "assigned to member", assignedUserId: teamMember.id });
  conv.teamQueue = await createConversation(t, a, { subject: "team queue", assignedTeamId: teamId });
  conv.teamTaken = await createConversation(t, a, {
    subject: "team, taken",
    assignedTeamId: teamId,
    assignedUserId: outsider.id,
  });
  conv.open = await createConversation(t, a, { subject: "unassigned" });
  conv.spam = await createConversation(t, a, { subject: "spam", status: "Spam" });
  conv.trash = await createConversation(t, a, { subject: "trash", status: "Trashed" });
  conv.other = await createConversation(t, b, { subject: "B only" });
});
afterAll(() => t.close());

describe("the visibility rule", () => {
  it("read_all sees every bucket; spam and trash only in their own lists", async () => {
    expect(subjects(await a.admin.get("/api/v1/conversations/all"))).toEqual(
      ["assigned to member", "team queue", "team, taken", "unassigned"].sort(),
    );
    expect(subjects(await a.admin.get("/api/v1/conversations/spam"))).toEqual(["spam"]);
    expect(subjects(await a.admin.get("/api/v1/conversations/trash"))).toEqual(["trash"]);
  });

  it("read_assigned lists and opens only one's own tickets", async () => {
    expect(subjects(await teamMember.client.get("/api/v1/conversations/assigned"))).toEqual(["assigned to member"]);
    expect((await teamMember.client.get(`/api/v1/conversations/${conv.mine!.uuid}`)).status).toBe(200);
    expect((await outsider.client.get(`/api/v1/conversations/${conv.mine!.uuid}`)).status).toBe(404);
    expect((await outsider.client.get("/api/v1/conversations/unassigned")).status).toBe(403);
  });

  it("read_unassigned sees tickets with neither agent nor team", async () => {
    expect(subjects(await unassignedReader.client.get("/api/v1/conversations/unassigned"))).toEqual(["unassigned"]);
    expect((await unassignedReader.client.get(`/api/v1/conversations/${conv.teamQueue!.uuid}`)).status).toBe(404);
  });

  it("read_team_inbox sees the team's unassigned queue, not its taken tickets; read_team_all sees both", async () => {
    const queue = await teamMember.client.get(`/api/v1/teams/${teamId}/conversations/unassigned`);
    expect(subjects(queue)).toEqual(["team queue"]);
    expect((await teamMember.client.get(`/api/v1/conversations/${conv.teamTaken!.uuid}`)).status).toBe(404);
    expect((await teamAllAgent.client.get(`/api/v1/conversations/${conv.teamTaken!.uuid}`)).status).toBe(200);
    expect((await outsider.client.get(`/api/v1/teams/${teamId}/conversations/unassigned`)).status).toBe(403);
    const notMember = await createAgent(t, a, { permissions: [...READ, "conversations:read_team_inbox"] });
    expect((await notMember.client.get(`/api/v1/teams/${teamId}/conversations/unassigned`)).body.data.results).toEqual(
      [],
    );
  });

  it("following or being mentioned makes a conversation visible", async () => {
    expect((await outsider.client.get(`/api/v1/conversations/${conv.open!.uuid}`)).status).toBe(404);
    await a.admin.post(`/api/v1/conversations/${conv.open!.uuid}/followers`, { user_id: outsider.id });
    expect((await outsider.client.get(`/api/v1/conversations/${conv.open!.uuid}`)).status).toBe(200);
    await t.database.db
      .insert(conversationParticipants)
      .values({ tenantId: a.id, conversationId: conv.mine!.id, userId: unassignedReader.id, kind: "mentioned" });
    expect(subjects(await unassignedReader.client.get("/api/v1/conversations/mentioned"))).toEqual([
      "assigned to member",
    ]);
    expect((await unassignedReader.client.get(`/api/v1/conversations/${conv.mine!.uuid}`)).status).toBe(200);
  });
});

describe("conversation detail and lookups", () => {
  it("returns the detail by uuid and by reference number", async () => {
    const res = await a.admin.get(`/api/v1/conversations/${conv.mine!.uuid}`);
    expect(res.body.data).toMatchObject({
      uuid: conv.mine!.uuid,
      reference_number: conv.mine!.referenceNumber,
      subject: "assigned to member",
      status: "Open",
      assigned_user_id: teamMember.id,
      custom_attributes: {},
      contact: { first_name: "Casey", email: expect.any(String) },
    });
    const byRef = await a.admin.get(`/api/v1/conversations/by-ref/${conv.mine!.referenceNumber}`);
    expect(byRef.body.data.uuid).toBe(conv.mine!.uuid);
  });

  it("answers 404 for other workspaces and unknown ids, 400 for malformed ones", async () => {
    expect((await a.admin.get(`/api/v1/conversations/${conv.other!.uuid}`)).status).toBe(404);
    expect((await a.admin.get("/api/v1/conversations/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await a.admin.get("/api/v1/conversations/not-a-uuid")).body.data.message).toMatch(/^uuid: /);
    expect((await a.admin.get("/api/v1/conversations/by-ref/abc")).status).toBe(400);
    expect((await a.admin.get(`/api/v1/teams/${(await createTeam(t, b)).id}/conversations/unassigned`)).status).toBe(
      404,
    );
    expect((await a.anonymous.get(`/api/v1/conversations/${conv.mine!.uuid}`)).status).toBe(401);
  });

  it("lists a saved view's conversations, shared or own, within the caller's visibility", async () => {
    const { views } = await import("@helperiq/core/schema");
    const filters = [{ field: "assigned_team_id", operator: "=", value: teamId }];
    const [shared] = await t.database.db
      .insert(views)
      .values({ tenantId: a.id, name: "Team", filters, visibility: "all" })
      .returning();
    expect(subjects(await a.admin.get(`/api/v1/views/${shared!.id}/conversations`))).toEqual([
      "team queue",
      "team, taken",
    ]);
    expect(subjects(await teamMember.client.get(`/api/v1/views/${shared!.id}/conversations`))).toEqual(["team queue"]);
    const [personal] = await t.database.db
      .insert(views)
      .values({ tenantId: a.id, name: "Mine", filters, visibility: "user", userId: teamAllAgent.id })
      .returning();
    expect((await teamMember.client.get(`/api/v1/views/${personal!.id}/conversations`)).status).toBe(404);
    expect((await teamAllAgent.client.get(`/api/v1/views/${personal!.id}/conversations`)).status).toBe(200);
  });
});

describe("unread counts", () => {
  it("counts incoming messages since the agent last looked; mark-unread keeps at least one", async () => {
    const conversation = await createConversation(t, a, { subject: "chatty" });
    await createMessage(t, a, conversation.id);
    await createMessage(t, a, conversation.id, { type: "outgoing" });
    await createMessage(t, a, conversation.id);
    const unread = async () =>
      (await a.admin.get("/api/v1/conversations/all")).body.data.results.find(
        (r: { subject: string }) => r.subject === "chatty",
      ).unread_count;
    expect(await unread()).toBe(2);
    t.clock.advance(1000);
    expect((await a.admin.put(`/api/v1/conversations/${conversation.uuid}/last-seen`)).status).toBe(200);
    expect(await unread()).toBe(0);
    await a.admin.put(`/api/v1/conversations/${conversation.uuid}/mark-unread`);
    expect(await unread()).toBe(1);
    t.clock.advance(1000);
    await createMessage(t, a, conversation.id);
    expect(await unread()).toBe(1);
    await a.admin.put(`/api/v1/conversations/${conversation.uuid}/last-seen`);
    expect(await unread()).toBe(0);
  });
});

describe("followers and participants", () => {
  it("follow and unfollow oneself, add and remove others, the System user never listed", async () => {
    const uuid = conv.teamQueue!.uuid;
    const followed = await teamMember.client.post(`/api/v1/conversations/${uuid}/follow`);
    expect(followed.body.data.participants.map((p: { id: number }) => p.id)).toEqual([teamMember.id]);
    const added = await a.admin.post(`/api/v1/conversations/${uuid}/followers`, { user_id: outsider.id });
    expect(added.body.data.participants.map((p: { id: number }) => p.id).sort()).toEqual(
      [teamMember.id, outsider.id].sort(),
    );
    const again = await a.admin.post(`/api/v1/conversations/${uuid}/followers`, { user_id: outsider.id });
    expect(again.body.data.participants).toHaveLength(2);
    const system = await a.admin.post(`/api/v1/conversations/${uuid}/followers`, { user_id: a.systemUserId });
    expect(system.status).toBe(200);
    expect(system.body.data.participants.map((p: { id: number }) => p.id)).not.toContain(a.systemUserId);
    expect(system.body.data.participants[0]).toMatchObject({ first_name: expect.any(String), type: "agent" });
    const removed = await a.admin.delete(`/api/v1/conversations/${uuid}/followers/${outsider.id}`);
    expect(removed.body.data.participants.map((p: { id: number }) => p.id)).toEqual([teamMember.id]);
    const unfollowed = await teamMember.client.delete(`/api/v1/conversations/${uuid}/follow`);
    expect(unfollowed.body.data.participants).toEqual([]);
    expect((await a.admin.get(`/api/v1/conversations/${uuid}/participants`)).body.data).toEqual([]);
  });

  it("notifies an agent added as a follower, not one who follows themself, not on removal", async () => {
    // Can see unassigned tickets, so following itself is allowed (and must not notify).
    const watcher = await createAgent(t, a, { permissions: [...READ, "conversations:read_unassigned"] });
    const uuid = conv.open!.uuid;
    await a.admin.post(`/api/v1/conversations/${uuid}/followers`, { user_id: watcher.id });
    await a.admin.post(`/api/v1/conversations/${uuid}/followers`, { user_id: watcher.id }); // already following
    await t.queue.drain();
    const mine = (await watcher.client.get("/api/v1/notifications")).body.data.results;
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      type: "follower_added",
      conversation_uuid: uuid,
      title: expect.stringContaining("added you"),
    });
    expect((await watcher.client.delete(`/api/v1/conversations/${uuid}/follow`)).status).toBe(200);
    expect((await watcher.client.post(`/api/v1/conversations/${uuid}/follow`)).status).toBe(200);
    await t.queue.drain();
    expect((await watcher.client.get("/api/v1/notifications")).body.data.results).toHaveLength(1);
  });

  it("refuses followers from another workspace and unknown users", async () => {
    const foreign = await createAgent(t, b);
    const res = await a.admin.post(`/api/v1/conversations/${conv.open!.uuid}/followers`, { user_id: foreign.id });
    expect(res.status).toBe(400);
    expect(res.body.data.message).toMatch(/^user_id: /);
    expect(
      (await a.admin.post(`/api/v1/conversations/${conv.other!.uuid}/followers`, { user_id: a.adminId })).status,
    ).toBe(404);
    expect((await a.admin.post(`/api/v1/conversations/${conv.open!.uuid}/followers`, { user_id: "x" })).status).toBe(
      400,
    );
  });
});
