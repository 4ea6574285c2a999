/**
 * LibreDesk's trash retention: `GET/PUT /api/v1/settings/trash` with its `trash.*` keys, and the hourly job
 * (conversation/retention.ts) that deletes what sat in the trash too long (files included) and moves
 * long-Resolved / long-Spam conversations to the trash. Also the one hard delete it shares with
 * `DELETE /conversations/{uuid}`.
 */
import { applyTrashRetention } from "@helperiq/core/conversation/retention";
import { deleteOrphanUploads } from "@helperiq/core/media/cleanup";
import { storeMedia } from "@helperiq/core/media/store";
import { conversations, media, messages } from "@helperiq/core/schema";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import {
  createAgent,
  createConversation,
  createMessage,
  createTenant,
  type TestAgent,
  type TestTenant,
} from "../support/factories.ts";
import { expectError } from "./routes-support.ts";

const DAY = 86_400_000;
const SETTINGS = "/api/v1/settings/trash";

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let agent: TestAgent;

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  b = await createTenant(t);
  agent = await createAgent(t, a, { permissions: ["conversations:read", "conversations:update_status"] });
});
afterAll(() => t.close());

/** A conversation moved to `bucket` through the API, its status changed `daysAgo` days before now. */
async function inBucket(tenant: TestTenant, bucket: "trash" | "spam" | "Resolved", daysAgo: number) {
  const conversation = await createConversation(t, tenant);
  const res =
    bucket === "Resolved"
      ? await tenant.admin.put(`/api/v1/conversations/${conversation.uuid}/status`, { status: "Resolved" })
      : await tenant.admin.put(`/api/v1/conversations/${conversation.uuid}/${bucket}`);
  expect(res.status).toBe(200);
  await age(conversation.id, daysAgo);
  return conversation;
}

/** Makes the database's "in this status since" `days` old (as if the move had happened then). */
async function age(id: number, days: number) {
  const since = new Date(t.clock.now().getTime() - days * DAY);
  await t.database.db.update(conversations).set({ statusChangedAt: since }).where(eq(conversations.id, id));
}

const exists = async (id: number) =>
  (await t.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, id))).length ===
  1;
const statusOf = async (tenant: TestTenant, uuid: string) =>
  (await tenant.admin.get(`/api/v1/conversations/${uuid}`)).body.data.status;

describe("GET/PUT /api/v1/settings/trash", () => {
  /** The settings under both names, as every settings route answers them. */
  const both = (resolved: number, spam: number, del: number) => ({
    auto_trash_resolved_days: resolved,
    auto_trash_spam_days: spam,
    auto_delete_days: del,
    "trash.auto_trash_resolved_days": resolved,
    "trash.auto_trash_spam_days": spam,
    "trash.auto_delete_days": del,
  });

  it("answers LibreDesk's keys (and the bare ones), every rule off by default", async () => {
    const res = await a.admin.get(SETTINGS);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(both(0, 0, 0));
  });

  it("saves LibreDesk's form and bare keys alike, partially", async () => {
    const form = {
      "trash.auto_trash_resolved_days": 90,
      "trash.auto_trash_spam_days": 30,
      "trash.auto_delete_days": 30,
    };
    const saved = await a.admin.put(SETTINGS, form);
    expect(saved.status).toBe(200);
    expect(saved.body.data).toEqual(both(90, 30, 30));
    const bare = await a.admin.put(SETTINGS, { auto_delete_days: 7 });
    expect(bare.body.data).toEqual(both(90, 30, 7));
    expect((await a.admin.get(SETTINGS)).body.data["trash.auto_delete_days"]).toBe(7);
  });

  it("names unknown keys and bad values, and writes nothing", async () => {
    const before = (await a.admin.get(SETTINGS)).body.data;
    expectError(
      await a.admin.put(SETTINGS, { "trash.activity_purge_days": 5 }),
      400,
      /^trash\.activity_purge_days: unknown setting/,
    );
    expectError(await a.admin.put(SETTINGS, { "trash.auto_delete_days": -1 }), 400, /^trash\.auto_delete_days: /);
    expectError(await a.admin.put(SETTINGS, { "trash.auto_delete_days": 3651 }), 400, /^trash\.auto_delete_days: /);
    expectError(await a.admin.put(SETTINGS, { auto_trash_spam_days: 1.5 }), 400, /^auto_trash_spam_days: /);
    expectError(await a.admin.put(SETTINGS, { "trash.auto_delete_days": "30" }), 400, /^trash\.auto_delete_days: /);
    expectError(
      await a.admin.put(SETTINGS, { auto_delete_days: 3, "trash.auto_delete_days": 4 }),
      400,
      /^trash\.auto_delete_days: differs/,
    );
    expect((await a.admin.get(SETTINGS)).body.data).toEqual(before);
  });

  it("needs general_settings:manage to read or write", async () => {
    expectError(await agent.client.get(SETTINGS), 403);
    expectError(await agent.client.put(SETTINGS, { auto_delete_days: 1 }), 403);
  });

  it("keeps each workspace's retention to itself", async () => {
    await a.admin.put(SETTINGS, { auto_delete_days: 5 });
    expect((await b.admin.get(SETTINGS)).body.data["trash.auto_delete_days"]).toBe(0);
  });
});

describe("the retention job", () => {
  it("deletes conversations trashed longer than the retention, with their messages and files", async () => {
    const tenant = await createTenant(t);
    await tenant.admin.put(SETTINGS, { "trash.auto_delete_days": 30 });
    const old = await inBucket(tenant, "trash", 31);
    const young = await inBucket(tenant, "trash", 29);
    const message = await createMessage(t, tenant, old.id, { text: "Delete me" });
    // Imported mail's file: it has no expiry of its own, only the purge hands it to the cleanup.
    const file = await storeMedia(t.database.db, t.blobs, {
      tenantId: tenant.id,
      filename: "invoice.txt",
      contentType: "text/plain",
      bytes: new TextEncoder().encode("invoice"),
      messageId: message.id,
    });
    const [stored] = await t.database.db.select().from(media).where(eq(media.id, file.id));

    const run = await applyTrashRetention(t.jobs, t.clock.now());
    expect(run.deleted).toBeGreaterThanOrEqual(1);
    expect(await exists(old.id)).toBe(false);
    expect(await exists(young.id)).toBe(true);
    expect(await t.database.db.select().from(messages).where(eq(messages.id, message.id))).toEqual([]);
    // The next orphan cleanup removes the file's row and bytes.
    await deleteOrphanUploads(t.database.db, t.blobs, t.clock.now());
    expect(await t.database.db.select().from(media).where(eq(media.id, file.id))).toEqual([]);
    expect(await t.blobs.get(stored!.storageKey)).toBeUndefined();
  });

  it("leaves a conversation restored in time, and is idempotent", async () => {
    const tenant = await createTenant(t);
    await tenant.admin.put(SETTINGS, { "trash.auto_delete_days": 10 });
    const restored = await inBucket(tenant, "trash", 30);
    expect((await tenant.admin.put(`/api/v1/conversations/${restored.uuid}/restore`)).status).toBe(200);
    const trashed = await inBucket(tenant, "trash", 11);
    await applyTrashRetention(t.jobs, t.clock.now());
    expect(await exists(restored.id)).toBe(true);
    expect(await exists(trashed.id)).toBe(false);
    // The restore stamped a fresh "since": trashing it again starts the count again.
    expect((await tenant.admin.put(`/api/v1/conversations/${restored.uuid}/trash`)).status).toBe(200);
    const again = await applyTrashRetention(t.jobs, t.clock.now());
    expect(await exists(restored.id)).toBe(true);
    const twice = await applyTrashRetention(t.jobs, t.clock.now());
    expect([again.deleted, twice.deleted, twice.trashed]).toEqual([0, 0, 0]);
  });

  it("moves long-Resolved and long-Spam conversations to the trash, with an activity by System", async () => {
    const tenant = await createTenant(t);
    await tenant.admin.put(SETTINGS, { "trash.auto_trash_resolved_days": 90, "trash.auto_trash_spam_days": 30 });
    const resolved = await inBucket(tenant, "Resolved", 91);
    const recent = await inBucket(tenant, "Resolved", 89);
    const spam = await inBucket(tenant, "spam", 31);
    const from = t.published.length;
    const run = await applyTrashRetention(t.jobs, t.clock.now());
    expect(run.trashed).toBe(2);
    expect(await statusOf(tenant, resolved.uuid)).toBe("Trashed");
    expect(await statusOf(tenant, spam.uuid)).toBe("Trashed");
    expect(await statusOf(tenant, recent.uuid)).toBe("Resolved");
    const activity = (await tenant.admin.get(`/api/v1/conversations/${resolved.uuid}/messages?types=activity`)).body
      .data.results[0];
    expect(activity.text_content).toBe("Moved to Trashed after 90 days in Resolved");
    expect(activity.sender_id).toBe(tenant.systemUserId);
    expect(t.published.slice(from)).toContainEqual(
      expect.objectContaining({
        type: "conversation_update",
        conversationUuid: resolved.uuid,
        changes: { status: "Trashed" },
      }),
    );
    // Just moved: the deletion rule (off here anyway) would measure from now, not from the resolution.
    const [row] = await t.database.db
      .select({ since: conversations.statusChangedAt })
      .from(conversations)
      .where(eq(conversations.id, resolved.id));
    expect(Date.now() - row!.since.getTime()).toBeLessThan(60_000);
  });

  it("acts only where a workspace set a rule", async () => {
    const quiet = await createTenant(t);
    const old = await inBucket(quiet, "trash", 3000);
    const resolved = await inBucket(quiet, "Resolved", 3000);
    await applyTrashRetention(t.jobs, t.clock.now());
    expect(await exists(old.id)).toBe(true);
    expect(await statusOf(quiet, resolved.uuid)).toBe("Resolved");
  });

  it("stamps status_changed_at on every status change, whatever path made it", async () => {
    const tenant = await createTenant(t);
    const conversation = await inBucket(tenant, "trash", 100);
    // A path that writes status_id directly (like a reopening reply) still restarts the count.
    await t.database.db.execute(
      sql`update conversations set status_id = (select id from statuses where tenant_id = ${tenant.id} and system_key = 'Open') where id = ${conversation.id}`,
    );
    const [row] = await t.database.db
      .select({ since: conversations.statusChangedAt })
      .from(conversations)
      .where(eq(conversations.id, conversation.id));
    expect(Date.now() - row!.since.getTime()).toBeLessThan(60_000);
  });
});

describe("DELETE /api/v1/conversations/{uuid} (the same hard delete)", () => {
  it("hands the conversation's files to the orphan cleanup", async () => {
    const conversation = await inBucket(a, "trash", 0);
    const message = await createMessage(t, a, conversation.id);
    const file = await storeMedia(t.database.db, t.blobs, {
      tenantId: a.id,
      filename: "photo.txt",
      contentType: "text/plain",
      bytes: new TextEncoder().encode("photo"),
      messageId: message.id,
    });
    expect((await a.admin.delete(`/api/v1/conversations/${conversation.uuid}`)).status).toBe(200);
    const [row] = await t.database.db.select().from(media).where(eq(media.id, file.id));
    expect(row!.messageId).toBeNull();
    expect(row!.expiresAt).not.toBeNull();
    await deleteOrphanUploads(t.database.db, t.blobs, t.clock.now());
    expect(await t.blobs.get(row!.storageKey)).toBeUndefined();
  });
});
