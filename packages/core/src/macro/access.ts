import { and, eq, ne, or, sql, type SQL } from "drizzle-orm";
import type { Actor } from "../context/index.ts";
import { teamMembers } from "../team/team.sql.ts";
import { macros } from "./macro.sql.ts";

/**
 * The macros an actor sees, as one condition on `macros` (undefined: all of them). Personal macros are
 * their author's alone, whoever asks. Holders of macros:manage see every shared macro, so they can manage
 * team macros of teams they are not in; everyone else sees the workspace's macros and their teams'.
 */
export function macrosVisibleTo(actor: Actor): SQL | undefined {
  if (actor.type === "system") return undefined;
  if (actor.type === "contact") return sql`FALSE`;
  const own = and(eq(macros.visibility, "personal"), eq(macros.userId, actor.userId));
  if (actor.permissions.has("macros:manage")) return or(ne(macros.visibility, "personal"), own);
  const myTeams = sql`(SELECT ${teamMembers.teamId} FROM ${teamMembers} WHERE ${teamMembers.userId} = ${actor.userId})`;
  return or(eq(macros.visibility, "all"), and(eq(macros.visibility, "team"), sql`${macros.teamId} IN ${myTeams}`), own);
}
