import { and, eq, isNull } from "drizzle-orm";
import { parseDuration } from "../conversation/status.ts";
import type { EmailConfig } from "../inbox/email-config.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import type { Db } from "../port/database.ts";
import type { Queue } from "../port/queue.ts";
import { inboxMailState } from "./mail-in.sql.ts";
import { ofActiveTenant } from "../tenant/active.ts";

/** Used when an inbox's `read_interval` is missing or not a duration. */
export const DEFAULT_READ_INTERVAL_MS = 5 * 60_000;

/**
 * Enabled email inboxes (with an IMAP server) whose `read_interval` has elapsed since their last poll
 * started, or that were never polled. The scheduler runs every minute, so shorter intervals poll every minute.
 */
export async function dueInboxes(db: Db, now: Date): Promise<{ tenantId: number; inboxId: number }[]> {
  const rows = await db
    .select({
      tenantId: inboxes.tenantId,
      inboxId: inboxes.id,
      config: inboxes.config,
      lastPolledAt: inboxMailState.lastPolledAt,
      lockedUntil: inboxMailState.pollLockedUntil,
    })
    .from(inboxes)
    .leftJoin(inboxMailState, eq(inboxMailState.inboxId, inboxes.id))
    .where(
      and(
        eq(inboxes.channel, "email"),
        eq(inboxes.enabled, true),
        isNull(inboxes.deletedAt),
        ofActiveTenant(inboxes.tenantId),
      ),
    );
  return rows
    .filter((r) => {
      const imap = (r.config as Partial<EmailConfig>).imap?.[0];
      if (!imap?.host) return false;
      if (r.lockedUntil && r.lockedUntil > now) return false;
      const interval = parseDuration(imap.read_interval ?? "") ?? DEFAULT_READ_INTERVAL_MS;
      return !r.lastPolledAt || now.getTime() - r.lastPolledAt.getTime() >= interval;
    })
    .map(({ tenantId, inboxId }) => ({ tenantId, inboxId }));
}

/** Enqueues `inbox.poll` for every due inbox (the cloud cron and the embedded timer both call this). */
export async function enqueueDuePolls(db: Db, queue: Queue, now: Date): Promise<number> {
  const due = await dueInboxes(db, now);
  for (const inbox of due) await queue.send({ type: "inbox.poll", ...inbox });
  return due.length;
}
