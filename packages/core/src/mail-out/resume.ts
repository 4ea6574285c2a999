import { and, eq, sql } from "drizzle-orm";
import { messages } from "../message/message.sql.ts";
import type { Db } from "../port/database.ts";
import { undelivered } from "./claim.ts";

/**
 * The embedded server's safety net for its in-process queue, which loses its messages with the process:
 * every public outgoing message still pending, or sending with no live lease (its run failed transiently or
 * died), is delivered again. Run on start and periodically. A lease still live belongs to a run that may be
 * alive (another process on the same database): that message is left to it, and picked up by a later sweep
 * if the lease runs out. Enqueueing a message that is also queued elsewhere is harmless: only one run can
 * claim it (claim.ts).
 */
export async function undeliveredMessages(db: Db, now: Date): Promise<{ type: "message.deliver"; tenantId: number; messageId: number }[]> {
  const rows = await db
    .select({ tenantId: messages.tenantId, messageId: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.type, "outgoing"),
        eq(messages.private, false),
        undelivered(),
        sql`coalesce((${messages.meta}->'delivery'->>'lease_until')::timestamptz, '-infinity') <= ${now.toISOString()}::timestamptz`,
      ),
    );
  return rows.map((r) => ({ type: "message.deliver" as const, ...r }));
}
