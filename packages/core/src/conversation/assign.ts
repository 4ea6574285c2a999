import { and, eq, isNull } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import { createNotifications, notificationEvents, notificationMessages } from "../notification/create.ts";
import { teams } from "../team/team.sql.ts";
import { users } from "../user/user.sql.ts";
import { agentId, changeConversation, type ChangeTarget } from "./change.ts";

/** Assigns an enabled agent of the workspace (null unassigns) and notifies them, unless they assigned themselves. */
export async function assignUser(ctx: Ctx, target: ChangeTarget, userId: number | null): Promise<boolean> {
  const [agent] =
    userId === null
      ? [null]
      : await ctx.db
          .select({ id: users.id, firstName: users.firstName, lastName: users.lastName })
          .from(users)
          .where(
            and(
              eq(users.id, userId),
              eq(users.tenantId, ctx.tenantId),
              eq(users.type, "agent"),
              eq(users.enabled, true),
              isNull(users.deletedAt),
            ),
          );
  if (agent === undefined) throw new InputError(`assignee_id: no enabled agent with id ${userId} in this workspace`);
  const name = agent && `${agent.firstName} ${agent.lastName}`.trim();
  return changeConversation(ctx, target, (row, _tx, who) => {
    if (row.assignedUserId === (agent?.id ?? null)) return null;
    return {
      set: { assignedUserId: agent?.id ?? null },
      changes: { assigned_user_id: agent?.id ?? null },
      activity: agent
        ? {
            kind: "assign_user",
            text:
              agent.id === agentId(ctx)
                ? `${who} self-assigned this conversation`
                : `${who} assigned the conversation to ${name}`,
            meta: { assigned_user_id: agent.id },
          }
        : { kind: "unassign_user", text: `${who} removed the assigned agent`, meta: { assigned_user_id: null } },
      also: async (tx) => {
        if (!agent) return;
        const notified = await createNotifications(tx, {
          tenantId: row.tenantId,
          userIds: [agent.id],
          type: "assigned",
          title: `${who} assigned you a conversation`,
          description: row.subject,
          conversationId: row.id,
          actorId: agentId(ctx),
        });
        return { messages: notificationMessages(notified), events: notificationEvents(notified) };
      },
    };
  });
}

/** Assigns a team of the workspace (null unassigns). */
export async function assignTeam(ctx: Ctx, target: ChangeTarget, teamId: number | null): Promise<boolean> {
  const [team] =
    teamId === null
      ? [null]
      : await ctx.db
          .select({ id: teams.id, name: teams.name })
          .from(teams)
          .where(and(eq(teams.id, teamId), eq(teams.tenantId, ctx.tenantId)));
  if (team === undefined) throw new InputError(`assignee_id: no team with id ${teamId} in this workspace`);
  return changeConversation(ctx, target, (row, _tx, who) => {
    if (row.assignedTeamId === (team?.id ?? null)) return null;
    return {
      set: { assignedTeamId: team?.id ?? null },
      changes: { assigned_team_id: team?.id ?? null },
      activity: team
        ? {
            kind: "assign_team",
            text: `${who} assigned the conversation to team ${team.name}`,
            meta: { assigned_team_id: team.id },
          }
        : { kind: "unassign_team", text: `${who} removed the assigned team`, meta: { assigned_team_id: null } },
    };
  });
}
