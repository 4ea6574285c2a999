import { and, asc, eq, inArray } from "drizzle-orm";
import { iso } from "../db/iso.ts";
import { availabilityStatus } from "./availability.ts";
import type { Db } from "../port/database.ts";
import { roles, userRoles } from "../role/role.sql.ts";
import { teamMembers, teams } from "../team/team.sql.ts";
import { users } from "../user/user.sql.ts";

type UserRow = typeof users.$inferSelect;
export type AgentTeam = { id: number; name: string; emoji: string };

export function agentView(row: UserRow, roleNames: string[], agentTeams: AgentTeam[]) {
  return {
    id: row.id,
    type: "agent" as const,
    email: row.email ?? "",
    first_name: row.firstName,
    last_name: row.lastName,
    avatar_url: row.avatarUrl,
    availability: row.availability,
    availability_status: availabilityStatus(row.availability, row.preferences),
    enabled: row.enabled,
    roles: roleNames,
    teams: agentTeams,
    last_active_at: iso(row.lastActiveAt),
    last_login_at: iso(row.lastLoginAt),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type AgentView = ReturnType<typeof agentView>;

/** Role names and teams of many agents in two queries (no per-agent round trips). */
export async function rolesAndTeams(db: Db, userIds: number[]) {
  const roleMap = new Map<number, string[]>(userIds.map((id) => [id, []]));
  const teamMap = new Map<number, AgentTeam[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return { roleMap, teamMap };
  const [roleRows, teamRows] = await Promise.all([
    db
      .select({ userId: userRoles.userId, name: roles.name })
      .from(userRoles)
      .innerJoin(roles, eq(roles.id, userRoles.roleId))
      .where(inArray(userRoles.userId, userIds))
      .orderBy(asc(roles.name)),
    db
      .select({ userId: teamMembers.userId, id: teams.id, name: teams.name, emoji: teams.emoji })
      .from(teamMembers)
      .innerJoin(teams, eq(teams.id, teamMembers.teamId))
      .where(inArray(teamMembers.userId, userIds))
      .orderBy(asc(teams.name)),
  ]);
  for (const r of roleRows) roleMap.get(r.userId)!.push(r.name);
  for (const { userId, ...t } of teamRows) teamMap.get(userId)!.push(t);
  return { roleMap, teamMap };
}

export async function agentViews(db: Db, rows: UserRow[]): Promise<AgentView[]> {
  const { roleMap, teamMap } = await rolesAndTeams(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => agentView(r, roleMap.get(r.id)!, teamMap.get(r.id)!));
}

export async function findAgentRow(db: Db, tenantId: number, id: number) {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), eq(users.tenantId, tenantId), eq(users.type, "agent")));
  return row;
}
