import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { lockedLimits, plural, QuotaError } from "../quota/limits.ts";
import { users } from "../user/user.sql.ts";

/** Agents holding a seat: enabled and not deleted (what `limits.agents` counts). */
export async function enabledAgents(db: Db, tenantId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(
      and(eq(users.tenantId, tenantId), eq(users.type, "agent"), eq(users.enabled, true), isNull(users.deletedAt)),
    );
  return Number(row!.n);
}

/**
 * Refuses (QuotaError) one more enabled agent beyond `limits.agents`. Call inside the transaction that creates
 * or enables it, before the write. Disabled and deleted agents hold no seat.
 */
export async function assertAgentSeat(tx: Db, tenantId: number): Promise<void> {
  const max = (await lockedLimits(tx, tenantId)).agents;
  if (max === undefined) return;
  if ((await enabledAgents(tx, tenantId)) + 1 > max)
    throw new QuotaError(
      "agents",
      `This workspace's plan allows ${plural(max, "enabled agent", "enabled agents")}; disable one or ask for a larger plan`,
    );
}
