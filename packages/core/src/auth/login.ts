import { and, eq, isNull, sql } from "drizzle-orm";
import { AuthError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { verifyPassword } from "./password.ts";

const INVALID = "Invalid email or password";

/**
 * Checks an agent's email and password within one tenant. Unknown email, disabled agent and wrong
 * password all fail with the same error after the same amount of hashing work.
 */
export async function authenticateAgent(
  db: Db,
  tenantId: number,
  email: string,
  password: string,
  now: Date,
): Promise<number> {
  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash, enabled: users.enabled })
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
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!ok || !user || !user.enabled) throw new AuthError(INVALID);
  await db.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
  return user.id;
}
