import { and, eq, sql } from "drizzle-orm";
import type { AgentActor } from "../context/index.ts";
import { conversationParticipants, conversations } from "../conversation/conversation.sql.ts";
import { visibleTo } from "../conversation/visibility.ts";
import type { Db } from "../port/database.ts";
import { teamMembers } from "../team/team.sql.ts";
import { loadAgentActors } from "../agent/actor.ts";

/** What the fan-out needs of a conversation, with the agents concerned by it beyond its subscribers. */
export type ConversationTarget = {
  id: number;
  uuid: string;
  tenantId: number;
  contactId: number;
  assignedUserId: number | null;
  assignedTeamId: number | null;
  /** Assignee, the assigned team's members, followers and mentioned agents. */
  concerned: number[];
};

/** The conversation and its concerned agents, in one query. */
export async function loadTarget(db: Db, tenantId: number, uuid: string): Promise<ConversationTarget | null> {
  const c = conversations;
  const [row] = await db
    .select({
      id: c.id,
      uuid: c.uuid,
      tenantId: c.tenantId,
      contactId: c.contactId,
      assignedUserId: c.assignedUserId,
      assignedTeamId: c.assignedTeamId,
      members: sql<
        number[]
      >`ARRAY(SELECT ${teamMembers.userId} FROM ${teamMembers} WHERE ${teamMembers.teamId} = ${c.assignedTeamId} AND ${teamMembers.tenantId} = ${c.tenantId})`,
      participants: sql<
        number[]
      >`ARRAY(SELECT p.user_id FROM ${conversationParticipants} p WHERE p.conversation_id = ${c.id} AND p.tenant_id = ${c.tenantId})`,
    })
    .from(c)
    .where(and(eq(c.tenantId, tenantId), eq(c.uuid, uuid)))
    .limit(1);
  if (!row) return null;
  const { members, participants, ...target } = row;
  const ids = [...members, ...participants].map(Number);
  if (target.assignedUserId !== null) ids.push(target.assignedUserId);
  return { ...target, concerned: [...new Set(ids)] };
}

/**
 * The agents among `userIds` to whom the visibility rule shows `target`: enabled agents of its workspace,
 * each evaluated once (not per connection) with `visibleTo`, the very condition REST reads use, all in one
 * query on the conversation row. Callers then require the read permission of the push.
 */
export async function visibleAgents(
  db: Db,
  target: ConversationTarget,
  userIds: readonly number[],
): Promise<AgentActor[]> {
  const agents = await loadAgentActors(db, target.tenantId, userIds, "session");
  if (agents.length === 0) return [];
  const cases = agents.map((a) => {
    const rule = visibleTo(a);
    return rule ? sql`CASE WHEN ${rule} THEN ${a.userId}::int END` : sql`${a.userId}::int`;
  });
  const [row] = await db
    .select({ ids: sql<number[] | null>`array_remove(ARRAY[${sql.join(cases, sql`, `)}], NULL)` })
    .from(conversations)
    .where(and(eq(conversations.id, target.id), eq(conversations.tenantId, target.tenantId)));
  const visible = new Set((row?.ids ?? []).map(Number));
  return agents.filter((a) => visible.has(a.userId));
}
