import { createNotifications, notificationMessages, type NewNotifications } from "@helperiq/core/notification/index";
import { notifications, pushTokens } from "@helperiq/core/schema";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createContact,
  createConversation,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let conversation: Awaited<ReturnType<typeof createConversation>>;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  conversation = await createConversation(t, a, { subject: "Refund for order 1042" });
});
afterAll(() => t.close());
afterEach(() => {
  vi.restoreAllMocks();
});

/** What the conversation code will do on a mention: notify, as the admin, in workspace `ws`. */
function notify(ws: TestTenant, userIds: number[], extra: Partial<NewNotifications> = {}) {
  return createNotifications(t.database.db, {
    tenantId: ws.id,
    userIds,
    type: "mention",
    title: "Ada mentioned you in #1",
    description: "Can you check the refund?",
    actorId: ws.adminId,
    ...extra,
  });
}

/** Creates the notifications and runs their delivery jobs to the end, as a committed change would. */
async function notifyAndDeliver(ws: TestTenant, userIds: number[], extra: Partial<NewNotifications> = {}) {
  const rows = await notify(ws, userIds, extra);
  for (const message of notificationMessages(rows)) await t.queue.send(message);
  await t.queue.drain();
  return rows;
}

const list = async (agent: TestAgent, query = "") =>
  (await agent.client.get(`/api/v1/notifications${query}`)).body.data;
const stats = async (agent: TestAgent) => (await agent.client.get("/api/v1/notifications/stats")).body.data;

describe("notifications: reading them", () => {
  it("lists the caller's notifications with the conversation's uuid and the actor", async () => {
    const ann = await createAgent(t, a, { firstName: "Ann" });
    const [row] = await notify(a, [ann.id], { conversationId: conversation.id });
    const res = await ann.client.get("/api/v1/notifications");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      results: [expect.any(Object)],
      total: 1,
      total_pages: 1,
      page: 1,
      page_size: 50,
      per_page: 50,
    });
    expect(res.body.data.results[0]).toEqual({
      id: row!.id,
      type: "mention",
      title: "Ada mentioned you in #1",
      description: "Can you check the refund?",
      conversation_uuid: conversation.uuid,
      message_id: null,
      actor: { id: a.adminId, first_name: "Ada", last_name: "Admin" },
      read_at: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
  });

  it("shows no actor and no conversation when there are none", async () => {
    const ann = await createAgent(t, a);
    await notify(a, [ann.id], { actorId: null });
    expect((await list(ann)).results[0]).toMatchObject({ actor: null, conversation_uuid: null });
  });

  it("pages newest first, or oldest first with order=asc", async () => {
    const ann = await createAgent(t, a);
    for (const title of ["first", "second", "third"]) await notify(a, [ann.id], { title });
    const page1 = await list(ann, "?page_size=2");
    expect(page1.results.map((n: { title: string }) => n.title)).toEqual(["third", "second"]);
    expect(page1).toMatchObject({ total: 3, total_pages: 2, page: 1, page_size: 2 });
    const page2 = await list(ann, "?page_size=2&page=2");
    expect(page2.results.map((n: { title: string }) => n.title)).toEqual(["first"]);
    const oldest = await list(ann, "?order=asc&order_by=created_at");
    expect(oldest.results.map((n: { title: string }) => n.title)).toEqual(["first", "second", "third"]);
  });

  it("filters unread (unread=true) or read (unread=false) ones", async () => {
    const ann = await createAgent(t, a);
    const [first] = await notify(a, [ann.id], { title: "first" });
    await notify(a, [ann.id], { title: "second" });
    await ann.client.put(`/api/v1/notifications/${first!.id}/read`);
    expect((await list(ann, "?unread=true")).results.map((n: { title: string }) => n.title)).toEqual(["second"]);
    expect((await list(ann, "?unread=false")).results.map((n: { title: string }) => n.title)).toEqual(["first"]);
    expect((await list(ann)).total).toBe(2);
  });

  it("counts total and unread", async () => {
    const ann = await createAgent(t, a);
    expect(await stats(ann)).toEqual({ total: 0, unread: 0 });
    const rows = await notify(a, [ann.id]);
    await notify(a, [ann.id]);
    await notify(a, [ann.id]);
    await ann.client.put(`/api/v1/notifications/${rows[0]!.id}/read`);
    expect(await stats(ann)).toEqual({ total: 3, unread: 2 });
  });
});

describe("notifications: marking and deleting", () => {
  it("marks one read and keeps its first read time when marked again", async () => {
    const ann = await createAgent(t, a);
    const [row] = await notify(a, [ann.id]);
    const res = await ann.client.put(`/api/v1/notifications/${row!.id}/read`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: row!.id, read_at: t.clock.now().toISOString() });
    const firstRead = res.body.data.read_at;
    t.clock.advance(60_000);
    expect((await ann.client.put(`/api/v1/notifications/${row!.id}/read`)).body.data.read_at).toBe(firstRead);
  });

  it("marks all of the caller's read, and nobody else's", async () => {
    const [ann, bob] = [await createAgent(t, a), await createAgent(t, a)];
    await notify(a, [ann.id, bob.id]);
    await notify(a, [ann.id, bob.id]);
    const res = await ann.client.put("/api/v1/notifications/read-all");
    expect(res.body).toEqual({ data: true });
    expect(await stats(ann)).toEqual({ total: 2, unread: 0 });
    expect(await stats(bob)).toEqual({ total: 2, unread: 2 });
  });

  it("deletes one, then all of the caller's, and nobody else's", async () => {
    const [ann, bob] = [await createAgent(t, a), await createAgent(t, a)];
    const [one] = await notify(a, [ann.id]);
    await notify(a, [ann.id, bob.id]);
    expect((await ann.client.delete(`/api/v1/notifications/${one!.id}`)).body).toEqual({ data: true });
    expect((await list(ann)).results.map((n: { id: number }) => n.id)).not.toContain(one!.id);
    expect((await ann.client.delete("/api/v1/notifications")).body).toEqual({ data: true });
    expect(await stats(ann)).toEqual({ total: 0, unread: 0 });
    expect(await stats(bob)).toEqual({ total: 1, unread: 1 });
  });
});

describe("notifications: errors and security", () => {
  it("needs credentials on every route", async () => {
    const [row] = await notify(a, [(await createAgent(t, a)).id]);
    for (const [method, path] of [
      ["GET", "/api/v1/notifications"],
      ["GET", "/api/v1/notifications/stats"],
      ["PUT", `/api/v1/notifications/${row!.id}/read`],
      ["PUT", "/api/v1/notifications/read-all"],
      ["DELETE", `/api/v1/notifications/${row!.id}`],
      ["DELETE", "/api/v1/notifications"],
    ] as const) {
      const res = await a.anonymous.request(method, path);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.data.type).toBe("AuthError");
    }
  });

  it("answers 404 for another agent's notification and leaves it alone", async () => {
    const [ann, bob] = [await createAgent(t, a), await createAgent(t, a)];
    const [bobs] = await notify(a, [bob.id]);
    expect((await ann.client.put(`/api/v1/notifications/${bobs!.id}/read`)).status).toBe(404);
    const deleted = await ann.client.delete(`/api/v1/notifications/${bobs!.id}`);
    expect(deleted.status).toBe(404);
    expect(deleted.body.data.type).toBe("NotFoundError");
    expect(await stats(bob)).toEqual({ total: 1, unread: 1 });
    expect((await list(ann)).total).toBe(0);
  });

  it("answers 404 for another workspace's notification, even to its admin", async () => {
    const bAgent = await createAgent(t, b);
    const [theirs] = await notify(b, [bAgent.id]);
    expect((await a.admin.put(`/api/v1/notifications/${theirs!.id}/read`)).status).toBe(404);
    expect((await a.admin.delete(`/api/v1/notifications/${theirs!.id}`)).status).toBe(404);
    await a.admin.put("/api/v1/notifications/read-all");
    await a.admin.delete("/api/v1/notifications");
    expect(await stats(bAgent)).toEqual({ total: 1, unread: 1 });
  });

  it("rejects a malformed id and a bad unread filter, naming the field", async () => {
    const ann = await createAgent(t, a);
    const bad = await ann.client.put("/api/v1/notifications/abc/read");
    expect(bad.status).toBe(400);
    expect(bad.body.data.message).toMatch(/^id: /);
    const filter = await ann.client.get("/api/v1/notifications?unread=maybe");
    expect(filter.status).toBe(400);
    expect(filter.body.data.message).toMatch(/^unread: /);
    expect((await ann.client.get("/api/v1/notifications?page_size=101")).status).toBe(400);
  });
});

describe("creating notifications", () => {
  it("never notifies the actor about their own action, and each recipient once", async () => {
    const ann = await createAgent(t, a);
    const rows = await notify(a, [ann.id, a.adminId, ann.id]);
    expect(rows.map((r) => r.userId)).toEqual([ann.id]);
    expect((await a.admin.get("/api/v1/notifications/stats")).body.data).toEqual({ total: 0, unread: 0 });
  });

  it("skips disabled and deleted agents, contacts, the System user and other workspaces' agents", async () => {
    const [disabled, deleted, enabled] = [await createAgent(t, a), await createAgent(t, a), await createAgent(t, a)];
    expect((await a.admin.put(`/api/v1/agents/${disabled.id}`, { enabled: false })).status).toBe(200);
    expect((await a.admin.delete(`/api/v1/agents/${deleted.id}`)).status).toBe(200);
    const contact = await createContact(t, a);
    const elsewhere = await createAgent(t, b);
    const rows = await notify(a, [disabled.id, deleted.id, contact.id, a.systemUserId, elsewhere.id, enabled.id]);
    expect(rows.map((r) => r.userId)).toEqual([enabled.id]);
    expect(await notify(a, [disabled.id])).toEqual([]);
  });

  it("builds one delivery message per notification", async () => {
    const [ann, bob] = [await createAgent(t, a), await createAgent(t, a)];
    const rows = await notify(a, [ann.id, bob.id]);
    expect(notificationMessages(rows)).toEqual(
      rows.map((r) => ({ type: "notification.deliver", tenantId: a.id, notificationId: r.id })),
    );
  });
});

describe("delivering notifications", () => {
  /** A workspace of its own: email notifications are a workspace-wide setting. */
  async function workspace(opts: { emailNotifications: boolean }) {
    const ws = await createTenant(t);
    if (opts.emailNotifications) {
      const res = await ws.admin.put("/api/v1/settings/notifications/email", {
        enabled: true,
        host: "smtp.example.com",
        email_address: "Support <support@example.com>",
      });
      expect(res.status).toBe(200);
    }
    return ws;
  }

  async function agentWithDevices(ws: TestTenant, tokens: string[]) {
    const agent = await createAgent(t, ws, { firstName: "Ann" });
    for (const token of tokens) {
      expect((await agent.client.post("/api/v1/agents/me/push-token", { token, platform: "android" })).status).toBe(
        201,
      );
    }
    return agent;
  }

  const pushesTo = (token: string) => t.push.sent.filter((p) => p.token === token);
  const mailsTo = (email: string) => t.outbox.filter((m) => m.to === email);

  it("pushes to each of the recipient's devices and emails them when the workspace mails notifications", async () => {
    const ws = await workspace({ emailNotifications: true });
    const conv = await createConversation(t, ws);
    const ann = await agentWithDevices(ws, ["ann-phone", "ann-tablet"]);
    const [row] = await notifyAndDeliver(ws, [ann.id], {
      conversationId: conv.id,
      type: "assigned",
      title: "Ada assigned #1 to you",
    });
    for (const token of ["ann-phone", "ann-tablet"]) {
      expect(pushesTo(token)).toEqual([
        {
          token,
          platform: "android",
          title: "Ada assigned #1 to you",
          body: "Can you check the refund?",
          data: { notification_id: String(row!.id), type: "assigned", conversation_uuid: conv.uuid },
        },
      ]);
    }
    const mails = mailsTo(ann.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ subject: "Ada assigned #1 to you" });
    expect(mails[0]!.text).toContain("Hello Ann,");
    expect(mails[0]!.text).toContain("Can you check the refund?");
  });

  it("only pushes while the workspace's email notifications are off", async () => {
    const ws = await workspace({ emailNotifications: false });
    const ann = await agentWithDevices(ws, ["off-phone"]);
    await notifyAndDeliver(ws, [ann.id], { type: "follower_added" });
    expect(pushesTo("off-phone")).toHaveLength(1);
    expect(mailsTo(ann.email)).toEqual([]);
  });

  it("mails only the types the agent left on in /agents/me, and still pushes the others", async () => {
    const ws = await workspace({ emailNotifications: true });
    const ann = await agentWithDevices(ws, ["pref-phone"]);
    const before = await ann.client.get("/api/v1/agents/me");
    expect(before.body.data.email_notifications).toEqual({ mention: true, assigned: true, follower_added: true });
    const off = await ann.client.put("/api/v1/agents/me", { email_notifications: { assigned: false } });
    expect(off.status).toBe(200);
    expect(off.body.data.email_notifications).toEqual({ mention: true, assigned: false, follower_added: true });
    // A later change of another type keeps this one.
    await ann.client.put("/api/v1/agents/me", { email_notifications: { follower_added: true } });
    expect((await ann.client.get("/api/v1/agents/me")).body.data.email_notifications.assigned).toBe(false);

    await notifyAndDeliver(ws, [ann.id], { type: "assigned", title: "Assigned to you" });
    await notifyAndDeliver(ws, [ann.id], { type: "mention", title: "Mentioned you" });
    expect(pushesTo("pref-phone").map((p) => p.title)).toEqual(["Assigned to you", "Mentioned you"]);
    expect(mailsTo(ann.email).map((m) => m.subject)).toEqual(["Mentioned you"]);
  });

  it("refuses unknown notification types and non-boolean switches, naming the field", async () => {
    const ws = await workspace({ emailNotifications: false });
    const ann = await createAgent(t, ws);
    const unknown = await ann.client.put("/api/v1/agents/me", { email_notifications: { newsletter: false } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.data.message).toContain("email_notifications");
    const notBool = await ann.client.put("/api/v1/agents/me", { email_notifications: { mention: "no" } });
    expect(notBool.status).toBe(400);
    expect(notBool.body.data.message).toContain("email_notifications.mention");
    expect((await ann.client.get("/api/v1/agents/me")).body.data.email_notifications.mention).toBe(true);
  });

  it("forgets a device token the push service says is unregistered", async () => {
    const ws = await workspace({ emailNotifications: false });
    const ann = await agentWithDevices(ws, ["gone-phone", "live-phone"]);
    t.push.unregistered.add("gone-phone");
    await notifyAndDeliver(ws, [ann.id]);
    const left = await t.database.db
      .select({ token: pushTokens.token })
      .from(pushTokens)
      .where(eq(pushTokens.userId, ann.id));
    expect(left.map((r) => r.token)).toEqual(["live-phone"]);
    expect(pushesTo("live-phone")).toHaveLength(1);
  });

  it("retries only what failed: a device that was down gets it once it is back, the others and the mailbox once", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const ws = await workspace({ emailNotifications: true });
    const ann = await agentWithDevices(ws, ["steady-phone", "flaky-phone"]);
    t.push.failing.add("flaky-phone");
    const rows = await notifyAndDeliver(ws, [ann.id]);
    expect(pushesTo("steady-phone")).toHaveLength(1);
    expect(pushesTo("flaky-phone")).toHaveLength(0);
    expect(mailsTo(ann.email)).toHaveLength(1);
    // The queue gave up; a redelivery of the same message (as SQS may do) reaches only the missing device.
    t.push.failing.delete("flaky-phone");
    for (const message of notificationMessages(rows)) await t.queue.send(message);
    await t.queue.drain();
    expect(pushesTo("steady-phone")).toHaveLength(1);
    expect(pushesTo("flaky-phone")).toHaveLength(1);
    expect(mailsTo(ann.email)).toHaveLength(1);
  });

  it("delivers nothing to the actor, to an agent disabled before delivery, or for a notification deleted since", async () => {
    const ws = await workspace({ emailNotifications: true });
    const disabledLater = await agentWithDevices(ws, ["disabled-phone"]);
    const actor = await agentWithDevices(ws, ["actor-phone"]);
    expect(await notifyAndDeliver(ws, [actor.id], { actorId: actor.id })).toEqual([]);

    const rows = await notify(ws, [disabledLater.id]);
    expect((await ws.admin.put(`/api/v1/agents/${disabledLater.id}`, { enabled: false })).status).toBe(200);
    const deletedRows = await notify(ws, [actor.id]);
    await t.database.db.delete(notifications).where(eq(notifications.id, deletedRows[0]!.id));
    for (const message of notificationMessages([...rows, ...deletedRows])) await t.queue.send(message);
    await t.queue.drain();

    expect(pushesTo("actor-phone")).toEqual([]);
    expect(pushesTo("disabled-phone")).toEqual([]);
    expect(mailsTo(disabledLater.email)).toEqual([]);
    expect(mailsTo(actor.email)).toEqual([]);
  });
});
