import { and, eq, isNull, sql } from "drizzle-orm";
import { InputError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { roles, userRoles } from "./role.sql.ts";

/**
 * Lockout guard, run inside the transaction of every change to roles, role membership or agents: at least
 * one enabled agent must still hold `roles:manage`, or nobody could ever repair the workspace's access.
 */
export async function assertRolesStillManageable(tx: Db, tenantId: number): Promise<void> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.type, "agent"),
        eq(users.enabled, true),
        isNull(users.deletedAt),
        sql`'roles:manage' = ANY(${roles.permissions})`,
      ),
    );
  if (!row || row.n === 0) {
    throw new InputError("roles: this change would leave no enabled agent able to manage roles");
  }
}
