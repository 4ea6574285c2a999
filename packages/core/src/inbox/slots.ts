import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { lockedLimits, plural, QuotaError } from "../quota/limits.ts";
import { inboxes } from "./inbox.sql.ts";

/** Refuses (QuotaError) one more inbox beyond `limits.inboxes`; deleted inboxes do not count. */
export async function assertInboxSlot(tx: Db, tenantId: number): Promise<void> {
  const max = (await lockedLimits(tx, tenantId)).inboxes;
  if (max === undefined) return;
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(inboxes)
    .where(and(eq(inboxes.tenantId, tenantId), isNull(inboxes.deletedAt)));
  if (Number(row!.n) + 1 > max)
    throw new QuotaError(
      "inboxes",
      `This workspace's plan allows ${plural(max, "inbox", "inboxes")}; delete one or ask for a larger plan`,
    );
}
