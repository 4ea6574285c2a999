import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { removeAttribute } from "../custom-attribute/index.ts";
import { transaction, type AfterCommit } from "../db/transaction.ts";
import { removeStatus } from "../status/index.ts";
import { systemStatus } from "../status/lookup.ts";
import { removeTeam } from "../team/index.ts";
import { conversations } from "./conversation.sql.ts";

/**
 * What deleting something conversations point at does to them, in the deletion's transaction: a team's
 * conversations lose their team, a custom status's go to Open, a conversation attribute's values go, a
 * deleted agent's conversations go back to the unassigned queue. Conversations refer to teams, statuses and
 * attribute definitions, so their deletions are conversation operations (the owners delete the row itself).
 *
 * Each conversation changed gets its own `conversation_update` with the changed field, after commit:
 * realtime clients patch the conversations they hold one by one, and LibreDesk's UI has no bulk frame. No
 * activity message is written: nobody acted on those conversations.
 */

function publishEach<R extends { uuid: string }>(
  after: AfterCommit,
  tenantId: number,
  rows: R[],
  changes: (row: R) => Record<string, unknown>,
) {
  after.publish(
    ...rows.map((row) => ({
      type: "conversation_update" as const,
      tenantId,
      conversationUuid: row.uuid,
      changes: changes(row),
    })),
  );
}

/** Deletes a team; its conversations stay, back in the general queue. */
export async function deleteTeam(ctx: Ctx, id: number): Promise<void> {
  await transaction(ctx, (tx, after) =>
    removeTeam(tx, ctx.tenantId, id, async () => {
      const released = await tx
        .update(conversations)
        .set({ assignedTeamId: null, updatedAt: ctx.clock.now() })
        .where(and(eq(conversations.tenantId, ctx.tenantId), eq(conversations.assignedTeamId, id)))
        .returning({ uuid: conversations.uuid });
      publishEach(after, ctx.tenantId, released, () => ({ assigned_team_id: null }));
    }),
  );
}

/** Deletes a custom status after moving its conversations to Open. */
export async function deleteStatus(ctx: Ctx, id: number): Promise<void> {
  await transaction(ctx, (tx, after) =>
    removeStatus(tx, ctx.tenantId, id, async () => {
      const open = await systemStatus(tx, ctx.tenantId, "Open");
      const moved = await tx
        .update(conversations)
        .set({ statusId: open.id, updatedAt: ctx.clock.now() })
        .where(and(eq(conversations.tenantId, ctx.tenantId), eq(conversations.statusId, id)))
        .returning({ uuid: conversations.uuid });
      publishEach(after, ctx.tenantId, moved, () => ({ status: open.name }));
    }),
  );
}

/** Deletes a custom attribute definition and its values on every contact or conversation. */
export async function deleteAttribute(ctx: Ctx, id: number): Promise<void> {
  await transaction(ctx, (tx, after) =>
    removeAttribute(tx, ctx.tenantId, id, async ({ key }) => {
      const stripped = await tx
        .update(conversations)
        .set({ customAttributes: sql`${conversations.customAttributes} - ${key}::text` })
        .where(and(eq(conversations.tenantId, ctx.tenantId), sql`${conversations.customAttributes} ? ${key}::text`))
        .returning({ uuid: conversations.uuid, customAttributes: conversations.customAttributes });
      publishEach(after, ctx.tenantId, stripped, (row) => ({ custom_attributes: row.customAttributes }));
    }),
  );
}

/**
 * A deleted agent's conversations go back to the unassigned queue. Run it in the deletion's transaction
 * (`ctx` bound to it with `within`: agent/admin.ts deleteAgent).
 */
export async function unassignAgent(ctx: Ctx, agentId: number): Promise<void> {
  await transaction(ctx, async (tx, after) => {
    const released = await tx
      .update(conversations)
      .set({ assignedUserId: null, updatedAt: ctx.clock.now() })
      .where(and(eq(conversations.tenantId, ctx.tenantId), eq(conversations.assignedUserId, agentId)))
      .returning({ uuid: conversations.uuid });
    publishEach(after, ctx.tenantId, released, () => ({ assigned_user_id: null }));
  });
}
