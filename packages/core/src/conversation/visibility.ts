import { sql, type SQL } from "drizzle-orm";
import type { Actor, AgentActor } from "../context/index.ts";
import { teamMembers } from "../team/team.sql.ts";
import { conversationParticipants, conversations } from "./conversation.sql.ts";

const c = conversations;

const myTeams = (userId: number) =>
  sql`(SELECT ${teamMembers.teamId} FROM ${teamMembers} WHERE ${teamMembers.userId} = ${userId})`;

/**
 * The visibility rule as one SQL condition on `conversations`: an agent sees what they follow or are
 * mentioned in, plus what their read_* permissions grant (assigned to them, unassigned, their teams').
 * Every conversation read, list, search hit and push goes through it. `undefined` means everything in the
 * workspace (read_all, system).
 * Unassigned means neither an agent nor a team; a team's unassigned tickets need read_team_inbox.
 */
export function visibleTo(actor: Actor): SQL | undefined {
  // A widget contact reads only through the widget's own rule (widget/conversations.ts), never agents' views.
  if (actor.type === "contact") return sql`FALSE`;
  if (actor.type === "system" || actor.permissions.has("conversations:read_all")) return undefined;
  return sql`(${sql.join(grants(actor), sql` OR `)})`;
}

function grants(actor: AgentActor): SQL[] {
  const me = actor.userId;
  const has = (p: Parameters<AgentActor["permissions"]["has"]>[0]) => actor.permissions.has(p);
  const out: SQL[] = [
    // Followers and mentioned agents always see the conversation.
    sql`EXISTS (SELECT 1 FROM ${conversationParticipants} p WHERE p.conversation_id = ${c.id} AND p.user_id = ${me})`,
  ];
  if (has("conversations:read_assigned")) out.push(sql`${c.assignedUserId} = ${me}`);
  if (has("conversations:read_unassigned"))
    out.push(sql`(${c.assignedUserId} IS NULL AND ${c.assignedTeamId} IS NULL)`);
  if (has("conversations:read_team_all")) out.push(sql`${c.assignedTeamId} IN ${myTeams(me)}`);
  else if (has("conversations:read_team_inbox"))
    out.push(sql`(${c.assignedUserId} IS NULL AND ${c.assignedTeamId} IN ${myTeams(me)})`);
  return out;
}
