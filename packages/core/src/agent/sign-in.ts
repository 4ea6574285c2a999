import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";

/**
 * The (not deleted) agent of `tenantId` with this email, compared case-insensitively: the one lookup
 * behind every way of signing in (password, OIDC, Google). Callers decide what `enabled: false` means.
 */
export async function findAgentByEmail(db: Db, tenantId: number, email: string) {
  const [agent] = await db
    .select({
      id: users.id,
      email: users.email,
      firstName: users.firstName,
      enabled: users.enabled,
      passwordHash: users.passwordHash,
    })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.type, "agent"),
        isNull(users.deletedAt),
        sql`lower(${users.email}) = lower(${email})`,
      ),
    )
    .limit(1);
  return agent;
}

export async function recordSignIn(db: Db, userId: number, now: Date): Promise<void> {
  await db.update(users).set({ lastLoginAt: now }).where(eq(users.id, userId));
}
