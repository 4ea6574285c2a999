import { and, eq, isNull, sql } from "drizzle-orm";
import type { AgentActor } from "../context/index.ts";
import type { Db } from "../port/database.ts";
import { roles, userRoles } from "../role/role.sql.ts";
import { isPermission, type Permission } from "../role/permissions.ts";
import { users } from "../user/user.sql.ts";

/** Loads an enabled agent of `tenantId` with the union of their roles' permissions, in one query. */
export async function loadAgentActor(
  db: Db,
  tenantId: number,
  userId: number,
  via: AgentActor["via"],
): Promise<AgentActor | null> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      firstName: users.firstName,
      lastName: users.lastName,
      permissions: sql<string[] | null>`array_agg(DISTINCT perm) FILTER (WHERE perm IS NOT NULL)`,
    })
    .from(users)
    .leftJoin(userRoles, eq(userRoles.userId, users.id))
    .leftJoin(roles, eq(roles.id, userRoles.roleId))
    .leftJoin(sql`unnest(${roles.permissions}) AS perm`, sql`true`)
    .where(
      and(
        eq(users.id, userId),
        eq(users.tenantId, tenantId),
        eq(users.type, "agent"),
        eq(users.enabled, true),
        isNull(users.deletedAt),
      ),
    )
    .groupBy(users.id)
    .limit(1);
  if (!row) return null;
  return {
    type: "agent",
    tenantId,
    userId: row.id,
    email: row.email ?? "",
    firstName: row.firstName,
    lastName: row.lastName,
    permissions: new Set((row.permissions ?? []).filter(isPermission) as Permission[]),
    via,
  };
}
