import { and, eq, sql } from "drizzle-orm";
import { messages } from "../conversation/message.sql.ts";
import type { Db } from "../port/database.ts";
import type { Queue } from "../port/queue.ts";
import { undelivered } from "./claim.ts";
import { ofActiveTenant } from "../tenant/active.ts";

/**
 * The safety net of delivery: every public outgoing message still pending, or sending with no live lease
 * (its run failed transiently or died, or the embedded server's in-process queue lost it with the process),
 * is delivered again. Run periodically (job/schedule.ts) and on the embedded server's start. A lease still
 * live belongs to a run that may be alive (another process or Lambda on the same database): that message is
 * left to it, and picked up by a later sweep if the lease runs out. Enqueueing a message that is also queued
 * elsewhere is harmless: only one run can claim it (claim.ts).
 */
export async function undeliveredMessages(
  db: Db,
  now: Date,
): Promise<{ type: "message.deliver"; tenantId: number; messageId: number }[]> {
  const rows = await db
    .select({ tenantId: messages.tenantId, messageId: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.type, "outgoing"),
        eq(messages.private, false),
        ofActiveTenant(messages.tenantId),
        undelivered(),
        sql`coalesce((${messages.meta}->'delivery'->>'lease_until')::timestamptz, '-infinity') <= ${now.toISOString()}::timestamptz`,
      ),
    );
  return rows.map((r) => ({ type: "message.deliver" as const, ...r }));
}

/** Queues `message.deliver` again for every message undeliveredMessages finds; returns how many. */
export async function requeueUndelivered(deps: { db: Db; queue: Queue }, now: Date): Promise<number> {
  const due = await undeliveredMessages(deps.db, now);
  for (const message of due) await deps.queue.send(message);
  return due.length;
}
