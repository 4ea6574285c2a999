import { and, asc, eq, sql } from "drizzle-orm";
import { dueInboxes, enqueueDuePolls } from "@helperiq/core/mail-in/schedule";
import { LEASE_MS, MAX_ATTEMPTS } from "@helperiq/core/mail-in/poll";
import { inboxMailStatus } from "@helperiq/core/mail-in/status";
import { conversations, inboxMailState, inboxes, mailImports, media, messages } from "@helperiq/core/schema";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bootTestApp, type TestApp } from "../support/app.ts";
import { startDovecot, type Dovecot } from "../support/dovecot.ts";
import { createTenant, type TestTenant } from "../support/factories.ts";
import { fixture, mailInbox, poll, simpleMail, type MailInbox } from "./imap-helpers.ts";

/**
 * The poll's guarantees against a real Dovecot: a crash half way and a re-run import every message exactly
 * once; two runs never import one mailbox at once; poison mail is given up on after MAX_ATTEMPTS; batches
 * continue through the queue; a new UIDVALIDITY re-scans without duplicates; the scheduler picks due inboxes.
 */
let t: TestApp;
let dovecot: Dovecot;
let tenant: TestTenant;

beforeAll(async () => {
  [t, dovecot] = await Promise.all([bootTestApp(), startDovecot()]);
  tenant = await createTenant(t);
});

afterAll(async () => {
  await Promise.all([t?.close(), dovecot?.stop()]);
});

const db = () => t.database.db;

/** `n` distinct customer mails; every third carries an attachment, so a crash also interrupts media writes. */
function mails(c: MailInbox, n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 2
      ? fixture("attachments.eml", { INBOX: c.address })
          .toString("latin1")
          .replace("20261123110211.88213@shop.example", `${prefix}-${i}@shop.example`)
      : simpleMail({
          from: `customer${i}@example.org`,
          to: c.address,
          subject: `Question ${i}`,
          messageId: `<${prefix}-${i}@example.org>`,
        }),
  );
}

/** Incoming message count per Message-ID of the inbox. */
async function importedIds(inboxId: number) {
  const rows = await db()
    .select({ sourceId: messages.sourceId, n: sql<number>`count(*)::int` })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.inboxId, inboxId), eq(messages.type, "incoming")))
    .groupBy(messages.sourceId);
  return new Map(rows.map((r) => [r.sourceId, r.n]));
}

async function state(inboxId: number) {
  const [row] = await db().select().from(inboxMailState).where(eq(inboxMailState.inboxId, inboxId));
  return row!;
}

describe("crash and re-run", () => {
  it("a run that dies half way through a batch, then a re-run: every message exactly once, nothing half-written", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const uids = await dovecot.append(c.server, ...mails(c, 12, "crash"));
    let seen = 0;
    // The 6th message's transaction has written its conversation, message, media and ledger row when the
    // run dies: none of it may survive, and the five before it must stay.
    const crashed = poll(t, c.inbox, {
      beforeCommit: () => {
        if (++seen === 6) throw new Error("process killed");
      },
    });
    await expect(crashed).rejects.toThrow(/aborted before committing UID .*process killed/);
    let ids = await importedIds(c.inbox.id);
    expect(ids.size).toBe(5);
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
    expect(await db().select().from(conversations).where(eq(conversations.inboxId, c.inbox.id))).toHaveLength(5);
    const ledger = await db()
      .select()
      .from(mailImports)
      .where(eq(mailImports.inboxId, c.inbox.id))
      .orderBy(asc(mailImports.uid));
    expect(ledger.map((r) => [r.uid, r.status])).toEqual(uids.slice(0, 5).map((uid) => [uid, "imported"]));
    const mediaRows = await db()
      .select({ id: media.id })
      .from(media)
      .innerJoin(messages, eq(messages.id, media.messageId))
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(conversations.inboxId, c.inbox.id));
    // Of the five, the third carries two attachments; the sixth (rolled back) had two as well.
    expect(mediaRows).toHaveLength(2);

    const rerun = await poll(t, c.inbox);
    expect(rerun).toMatchObject({ status: "done", imported: 7, skipped: 0, failed: 0 });
    ids = await importedIds(c.inbox.id);
    expect(ids.size).toBe(12);
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
    expect((await state(c.inbox.id)).lastUid).toBe(uids.at(-1));
    // And once more: nothing new.
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 0, skipped: 0, failed: 0 });
    expect((await importedIds(c.inbox.id)).size).toBe(12);
  });

  it("a run that lost its lease (another run took over) commits nothing more", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, ...mails(c, 4, "fence"));
    const run = poll(t, c.inbox, {
      // While the first message is being written, another run takes the inbox over (the lease had expired).
      beforeCommit: async (uid, tx) => {
        if (uid === 1)
          await tx
            .update(inboxMailState)
            .set({ pollToken: crypto.randomUUID() })
            .where(eq(inboxMailState.inboxId, c.inbox.id));
      },
    });
    await expect(run).rejects.toThrow(/taken over/);
    expect((await importedIds(c.inbox.id)).size).toBe(1);
  });
});

describe("the poll lease", () => {
  it("two concurrent polls of one mailbox import each message once", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, ...mails(c, 20, "lease"));
    const results = await Promise.all([poll(t, c.inbox), poll(t, c.inbox), poll(t, c.inbox)]);
    expect(results.filter((r) => r.status === "locked").length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.status === "locked" || r.status === "done")).toBe(true);
    expect(results.reduce((sum, r) => sum + r.imported, 0)).toBe(20);
    const ids = await importedIds(c.inbox.id);
    expect(ids.size).toBe(20);
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
  });

  it("a lease left by a dead run blocks polls until it expires", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, ...mails(c, 2, "expiry"));
    const now = t.clock.now();
    await db()
      .insert(inboxMailState)
      .values({
        inboxId: c.inbox.id,
        tenantId: tenant.id,
        pollLockedUntil: new Date(now.getTime() + LEASE_MS),
        pollToken: crypto.randomUUID(),
      });
    expect(await poll(t, c.inbox)).toMatchObject({ status: "locked", imported: 0 });
    t.clock.advance(LEASE_MS + 1000);
    expect(await poll(t, c.inbox)).toMatchObject({ status: "done", imported: 2 });
    expect((await state(c.inbox.id)).pollToken).toBeNull();
  });
});

describe("poison messages", () => {
  it(`are retried by later runs, then marked failed after ${MAX_ATTEMPTS} attempts, reported, and never retried again`, async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    const [good1, poison, good2] = await dovecot.append(
      c.server,
      simpleMail({ from: "a@example.org", to: c.address, subject: "first", messageId: "<p-1@example.org>" }),
      fixture("no-sender.eml", { INBOX: c.address }),
      simpleMail({ from: "b@example.org", to: c.address, subject: "third", messageId: "<p-3@example.org>" }),
    );
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const runs = [];
      for (let i = 0; i < MAX_ATTEMPTS + 1; i++) runs.push(await poll(t, c.inbox));
      expect(runs.map((r) => [r.imported, r.failed])).toEqual([
        [2, 1],
        [0, 1],
        [0, 1],
        [0, 0],
      ]);
      const [row] = await db()
        .select()
        .from(mailImports)
        .where(and(eq(mailImports.inboxId, c.inbox.id), eq(mailImports.uid, poison!)));
      expect(row).toMatchObject({
        status: "failed",
        attempts: MAX_ATTEMPTS,
        messageId: "<no-sender-0001@nowhere.example>",
      });
      expect(row!.lastError).toMatch(/no sender address/);
      const s = await state(c.inbox.id);
      expect(s).toMatchObject({ failedCount: 1, importedCount: 2, lastUid: good2 });
      expect(errors.mock.calls.some((args) => String(args[0]).includes(`gave up on UID ${poison}`))).toBe(true);
      expect((await importedIds(c.inbox.id)).size).toBe(2);
      expect(good1).toBeLessThan(poison!);
      // What the inbox API shows of it.
      const status = await inboxMailStatus(db(), tenant.id, c.inbox.id);
      expect(status).toMatchObject({
        imported: 2,
        failed: 1,
        last_error: null,
        failed_messages: [{ uid: poison, attempts: MAX_ATTEMPTS }],
      });
      expect(status.failed_messages[0]!.error).toMatch(/no sender address/);
      expect(await inboxMailStatus(db(), tenant.id + 1000, c.inbox.id)).toMatchObject({
        imported: 0,
        failed: 0,
        failed_messages: [],
      });
    } finally {
      errors.mockRestore();
    }
  });
});

describe("batches, UIDVALIDITY and scheduling", () => {
  it("a run stops at its batch size and enqueues the next one, which the queue runs to the end", async () => {
    const c = await mailInbox(t, dovecot, tenant.id);
    await dovecot.append(c.server, ...mails(c, 7, "batch"));
    expect(await poll(t, c.inbox, { batchSize: 3 })).toMatchObject({ imported: 3, more: true });
    await t.queue.drain();
    expect((await importedIds(c.inbox.id)).size).toBe(7);
  });

  it("a new UIDVALIDITY re-scans the folder without importing anything twice", async () => {
    const c = await mailInbox(t, dovecot, tenant.id, { mailbox: "Support" });
    const old = mails(c, 3, "uidv");
    await dovecot.append(c.server, ...old);
    expect((await poll(t, c.inbox)).imported).toBe(3);
    const before = (await state(c.inbox.id)).uidValidity;
    await new Promise((r) => setTimeout(r, 1100)); // Dovecot derives UIDVALIDITY from the clock (seconds)
    await dovecot.recreateMailbox(c.server);
    await dovecot.append(
      c.server,
      ...old,
      simpleMail({ from: "new@example.org", to: c.address, subject: "after", messageId: "<uidv-new@example.org>" }),
    );
    expect(await poll(t, c.inbox)).toMatchObject({ imported: 1, skipped: 3 });
    expect((await state(c.inbox.id)).uidValidity).not.toBe(before);
    const ids = await importedIds(c.inbox.id);
    expect(ids.size).toBe(4);
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
  });

  it("a connection or login failure ends the run with a readable error, recorded on the inbox", async () => {
    const c = await mailInbox(t, dovecot, tenant.id, {});
    const wrong = await mailInbox(t, dovecot, tenant.id, { imap: [{ ...c.server, password: "wrong password" }] });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const result = await poll(t, wrong.inbox);
      expect(result).toMatchObject({ status: "error", imported: 0 });
      expect(result.error).toMatch(/authentication failed/i);
      expect((await state(wrong.inbox.id)).lastError).toMatch(/authentication failed/i);
      expect((await state(wrong.inbox.id)).pollToken).toBeNull();
    } finally {
      errors.mockRestore();
    }
  });

  it("the scheduler enqueues enabled email inboxes whose read_interval has elapsed", async () => {
    const other = await createTenant(t);
    const c = await mailInbox(t, dovecot, other.id);
    const disabled = await mailInbox(t, dovecot, other.id, { enabled: false });
    await db()
      .update(inboxes)
      .set({ config: { ...c.inbox.config, imap: [{ ...(c.inbox.config as any).imap[0], read_interval: "5m" }] } })
      .where(eq(inboxes.id, c.inbox.id));
    await dovecot.append(c.server, ...mails(c, 2, "sched"));
    const mine = async () => (await dueInboxes(db(), t.clock.now())).filter((d) => d.tenantId === other.id);
    expect(await mine()).toEqual([{ tenantId: other.id, inboxId: c.inbox.id }]);
    expect(disabled.inbox.enabled).toBe(false);

    await enqueueDuePolls(db(), t.queue, t.clock.now());
    await t.queue.drain();
    expect((await importedIds(c.inbox.id)).size).toBe(2);
    expect(await mine()).toEqual([]);
    t.clock.advance(4 * 60_000);
    expect(await mine()).toEqual([]);
    t.clock.advance(60_000);
    expect(await mine()).toEqual([{ tenantId: other.id, inboxId: c.inbox.id }]);
  });
});
