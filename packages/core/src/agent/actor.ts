import { and, eq, inArray, isNull, sql } from "drizzle-orm";
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
  const [agent] = await loadAgentActors(db, tenantId, [userId], via);
  return agent ?? null;
}

/** The enabled agents of `tenantId` among `userIds`, each with the union of their roles' permissions, in one query. */
export async function loadAgentActors(
  db: Db,
  tenantId: number,
  userIds: readonly number[],
  via: AgentActor["via"],
): Promise<AgentActor[]> {
  if (userIds.length === 0) return [];
  const rows = await db
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
        inArray(users.id, [...userIds]),
        eq(users.tenantId, tenantId),
        eq(users.type, "agent"),
        eq(users.enabled, true),
        isNull(users.deletedAt),
      ),
    )
    .groupBy(users.id);
  return rows.map((row) => ({
    type: "agent",
    tenantId,
    userId: row.id,
    email: row.email ?? "",
    firstName: row.firstName,
    lastName: row.lastName,
    permissions: new Set((row.permissions ?? []).filter(isPermission) as Permission[]),
    via,
  }));
}
