import { describeError, errorReason } from "../errors/describe.ts";
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Keyring } from "../crypto/secret-box.ts";
import { transaction, within } from "../db/transaction.ts";
import { readEmailInbox, type EmailInbox } from "../inbox/email-config.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import type { Events } from "../port/events.ts";
import type { Mailbox, MailboxSession } from "../port/mailbox.ts";
import type { Queue } from "../port/queue.ts";
import { inboxMailState, mailImports, type MailImportStatus } from "./mail-in.sql.ts";
import { parseMail } from "./parse.ts";
import { importMail, type ImportOutcome } from "./write.ts";

/** UIDs looked at per run; when more are waiting the run enqueues the next one. */
export const POLL_BATCH = 200;
/** Failed attempts after which a message is given up on (status `failed`) instead of retried. */
export const MAX_ATTEMPTS = 3;
/** How long a run holds an inbox; renewed by every import, so only a dead run's lease runs out. */
export const LEASE_MS = 5 * 60_000;

export type PollDeps = {
  db: Db;
  clock: Clock;
  secrets: Keyring;
  blobs: BlobStore;
  queue: Queue;
  events: Events;
  mailbox: Mailbox;
};

export type PollOptions = {
  batchSize?: number;
  /**
   * Fault injection for tests: runs inside each message's transaction after everything is written, just
   * before commit. Whatever it throws ends the run there, like a crash: that message's transaction rolls
   * back and nothing about it is recorded.
   */
  beforeCommit?: (uid: number, tx: Db) => Promise<void> | void;
};

export type PollResult = {
  status: "done" | "locked" | "not_found" | "error";
  imported: number;
  skipped: number;
  /** Attempts that failed in this run (a message becomes `failed` after MAX_ATTEMPTS of them). */
  failed: number;
  /** True when the run stopped at its batch size with more mail waiting (the next run is enqueued). */
  more: boolean;
  error?: string;
};

/** Thrown to end a run without recording anything against the message being imported. */
class RunAborted extends Error {}

/**
 * One poll of one email inbox (queue message `inbox.poll`): takes the inbox's lease, lists UIDs above the
 * low-water mark, and imports each new message in its own transaction together with its ledger row
 * (mail_imports), so a run that dies half way loses nothing and a re-run imports nothing twice. Domain
 * events are published after each commit. A message whose import throws is retried by later runs and
 * marked `failed` (logged, counted in inbox_mail_state.failed_count) after MAX_ATTEMPTS. Connection and
 * login failures end the run with `status: "error"` (recorded in inbox_mail_state.last_error); the
 * scheduler tries again at the next interval.
 */
export async function pollInbox(
  deps: PollDeps,
  tenantId: number,
  inboxId: number,
  opts: PollOptions = {},
): Promise<PollResult> {
  const result: PollResult = { status: "done", imported: 0, skipped: 0, failed: 0, more: false };
  const inbox = await readEmailInbox(deps.db, deps.secrets, tenantId, inboxId);
  const server = inbox?.imap[0];
  if (!inbox || !server) return { ...result, status: "not_found" };
  const token = crypto.randomUUID();
  const state = await acquireLease(deps, inbox, token);
  if (!state) return { ...result, status: "locked" };
  let session: MailboxSession | undefined;
  try {
    try {
      session = await deps.mailbox.open(server);
    } catch (err) {
      const error = errorReason(err);
      console.error(`[inbox.poll] inbox ${inbox.id} (tenant ${tenantId}): ${error}`);
      await deps.db
        .update(inboxMailState)
        .set({ lastError: error, updatedAt: deps.clock.now() })
        .where(eq(inboxMailState.inboxId, inbox.id));
      return { ...result, status: "error", error };
    }
    // A new UIDVALIDITY renumbers the folder: scan it again; Message-ID dedupe keeps it from importing twice.
    const uidValidity = session.uidValidity;
    let lastUid = state.uidValidity === uidValidity ? state.lastUid : 0;
    const batchSize = opts.batchSize ?? POLL_BATCH;
    const listed = await session.uidsAfter(lastUid, batchSize + 1);
    result.more = listed.length > batchSize;
    const uids = listed.slice(0, batchSize);
    const done = await finalUids(deps.db, inbox.id, uidValidity, uids);
    const todo = uids.filter((uid) => !done.has(uid));
    const fetched = new Set<number>();
    try {
      for await (const raw of session.fetchRaw(todo)) {
        fetched.add(raw.uid);
        const outcome = await importOne(deps, inbox, token, uidValidity, raw.uid, raw.source, opts);
        if (outcome === "imported") result.imported++;
        else if (outcome === "skipped") result.skipped++;
        else result.failed++;
        if (outcome !== "pending") done.add(raw.uid);
      }
    } catch (err) {
      if (err instanceof RunAborted) throw err;
      // The connection dropped mid-batch: what committed stays, the rest is fetched again next time.
      const error = errorReason(err);
      console.error(`[inbox.poll] inbox ${inbox.id} (tenant ${tenantId}): ${error}`);
      await deps.db
        .update(inboxMailState)
        .set({ lastError: error, updatedAt: deps.clock.now() })
        .where(eq(inboxMailState.inboxId, inbox.id));
      return { ...result, status: "error", error, more: false };
    }
    // Expunged before it could be fetched: nothing will ever be imported under these UIDs.
    for (const uid of todo) if (!fetched.has(uid)) done.add(uid);
    for (const uid of uids) {
      if (!done.has(uid)) break;
      lastUid = uid;
    }
    await deps.db
      .update(inboxMailState)
      .set({ uidValidity, lastUid, lastPolledAt: deps.clock.now(), lastError: null, updatedAt: deps.clock.now() })
      .where(and(eq(inboxMailState.inboxId, inbox.id), eq(inboxMailState.pollToken, token)));
  } finally {
    await session?.close().catch(() => {});
    await deps.db
      .update(inboxMailState)
      .set({ pollLockedUntil: null, pollToken: null })
      .where(and(eq(inboxMailState.inboxId, inbox.id), eq(inboxMailState.pollToken, token)));
  }
  if (result.more) await deps.queue.send({ type: "inbox.poll", tenantId, inboxId });
  return result;
}

/**
 * Takes the inbox's poll lease when it is free or expired: one statement (an upsert guarded by the expiry),
 * so it is atomic on PGlite, node-postgres and Neon alike. Returns the poll state, or undefined when
 * another run holds the lease.
 */
async function acquireLease(deps: PollDeps, inbox: EmailInbox, token: string) {
  const now = deps.clock.now();
  const until = new Date(now.getTime() + LEASE_MS);
  const [row] = await deps.db
    .insert(inboxMailState)
    .values({
      inboxId: inbox.id,
      tenantId: inbox.tenantId,
      pollLockedUntil: until,
      pollToken: token,
      lastPolledAt: now,
    })
    .onConflictDoUpdate({
      target: inboxMailState.inboxId,
      set: { pollLockedUntil: until, pollToken: token, lastPolledAt: now },
      setWhere: or(isNull(inboxMailState.pollLockedUntil), lt(inboxMailState.pollLockedUntil, now)),
    })
    .returning();
  return row;
}

/** UIDs of the batch that already have a final ledger row (imported, skipped or failed). */
async function finalUids(db: Db, inboxId: number, uidValidity: number, uids: number[]): Promise<Set<number>> {
  if (uids.length === 0) return new Set();
  const rows = await db
    .select({ uid: mailImports.uid })
    .from(mailImports)
    .where(
      and(
        eq(mailImports.inboxId, inboxId),
        eq(mailImports.uidValidity, uidValidity),
        inArray(mailImports.uid, uids),
        inArray(mailImports.status, ["imported", "skipped", "failed"]),
      ),
    );
  return new Set(rows.map((r) => r.uid));
}

/** Imports one message with its ledger row in one transaction; a failure is recorded as an attempt. */
async function importOne(
  deps: PollDeps,
  inbox: EmailInbox,
  token: string,
  uidValidity: number,
  uid: number,
  source: Uint8Array,
  opts: PollOptions,
): Promise<MailImportStatus> {
  let dedupeKey: string | null = null;
  let outcome: ImportOutcome;
  try {
    const mail = await parseMail(source);
    dedupeKey = mail.dedupeKey;
    // A push that fails after COMMIT is logged, never recorded as a failed import: the message is in.
    const events: Events = {
      publish: (list) =>
        deps.events
          .publish(list)
          .catch((err) => console.error(`[inbox.poll] publishing events: ${describeError(err)}`)),
    };
    const scope = { db: deps.db, queue: deps.queue, events };
    outcome = await transaction(scope, async (tx, after) => {
      const now = deps.clock.now();
      const written = await importMail(within(scope, tx, after), deps.blobs, inbox, mail, now);
      const status = written.status;
      const reason = written.status === "skipped" ? written.reason : written.kind === "mail" ? null : written.kind;
      await tx
        .insert(mailImports)
        .values({
          tenantId: inbox.tenantId,
          inboxId: inbox.id,
          uidValidity,
          uid,
          messageId: mail.dedupeKey,
          status,
          reason,
          messageRowId: written.status === "imported" ? written.messageRowId : null,
        })
        .onConflictDoUpdate({
          target: [mailImports.inboxId, mailImports.uidValidity, mailImports.uid],
          set: {
            status,
            messageId: mail.dedupeKey,
            reason,
            messageRowId: written.status === "imported" ? written.messageRowId : null,
            updatedAt: now,
          },
        });
      // Fencing, last before commit: a run whose lease was taken over (it stalled past LEASE_MS) commits
      // nothing; one that still holds it renews the lease and counts the message.
      const [held] = await tx
        .update(inboxMailState)
        .set({
          pollLockedUntil: new Date(now.getTime() + LEASE_MS),
          ...(status === "imported"
            ? { importedCount: sql`${inboxMailState.importedCount} + 1` }
            : { skippedCount: sql`${inboxMailState.skippedCount} + 1` }),
        })
        .where(and(eq(inboxMailState.inboxId, inbox.id), eq(inboxMailState.pollToken, token)))
        .returning({ inboxId: inboxMailState.inboxId });
      if (!held) throw new RunAborted("the poll lease was taken over by another run");
      if (opts.beforeCommit) {
        try {
          await opts.beforeCommit(uid, tx);
        } catch (err) {
          throw new RunAborted(`aborted before committing UID ${uid}: ${String(err)}`);
        }
      }
      return written;
    });
  } catch (err) {
    if (err instanceof RunAborted) throw err;
    return recordFailure(deps, inbox, uidValidity, uid, dedupeKey, err);
  }
  return outcome.status;
}

async function recordFailure(
  deps: PollDeps,
  inbox: EmailInbox,
  uidValidity: number,
  uid: number,
  dedupeKey: string | null,
  err: unknown,
) {
  const error = errorReason(err).slice(0, 2000);
  const now = deps.clock.now();
  const [row] = await deps.db
    .insert(mailImports)
    .values({
      tenantId: inbox.tenantId,
      inboxId: inbox.id,
      uidValidity,
      uid,
      messageId: dedupeKey,
      status: "pending",
      attempts: 1,
      lastError: error,
    })
    .onConflictDoUpdate({
      target: [mailImports.inboxId, mailImports.uidValidity, mailImports.uid],
      set: {
        attempts: sql`${mailImports.attempts} + 1`,
        lastError: error,
        status: sql`CASE WHEN ${mailImports.attempts} + 1 >= ${MAX_ATTEMPTS} THEN 'failed' ELSE 'pending' END`,
        updatedAt: now,
      },
    })
    .returning({ status: mailImports.status, attempts: mailImports.attempts });
  const status = row!.status;
  if (status === "failed") {
    await deps.db
      .update(inboxMailState)
      .set({ failedCount: sql`${inboxMailState.failedCount} + 1` })
      .where(eq(inboxMailState.inboxId, inbox.id));
    console.error(
      `[inbox.poll] gave up on UID ${uid} of inbox ${inbox.id} (tenant ${inbox.tenantId}) after ${row!.attempts} attempts: ${error}`,
    );
  } else {
    console.error(
      `[inbox.poll] UID ${uid} of inbox ${inbox.id} failed (attempt ${row!.attempts}/${MAX_ATTEMPTS}): ${error}`,
    );
  }
  return status;
}
