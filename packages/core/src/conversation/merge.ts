import { asc, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { transaction } from "../db/transaction.ts";
import { iso } from "../db/iso.ts";
import { InputError } from "../errors/index.ts";
import { actorName, writeActivity } from "./activity.ts";
import { messages } from "./message.sql.ts";
import type { DomainEvent } from "../port/events.ts";
import { agentId } from "./change.ts";
import { conversations } from "./conversation.sql.ts";
import { visibleConversationId } from "./get.ts";
import { systemStatus } from "./status.ts";

/**
 * Moves every message of `source` into `target` and closes the source, in one transaction, with an
 * activity in each. Both must be visible to the caller (which also keeps them in one workspace).
 */
export async function mergeConversations(ctx: Ctx, input: { source_uuid: string; target_uuid: string }): Promise<void> {
  if (input.source_uuid.toLowerCase() === input.target_uuid.toLowerCase()) {
    throw new InputError("target_uuid: must be another conversation than source_uuid");
  }
  const sourceId = await visibleConversationId(ctx, { uuid: input.source_uuid });
  const targetId = await visibleConversationId(ctx, { uuid: input.target_uuid });
  const closed = await systemStatus(ctx.db, ctx.tenantId, "Closed");
  const now = ctx.clock.now();
  const who = actorName(ctx.actor);
  await transaction(ctx, async (tx, after) => {
    // Both rows locked in id order, so two opposite merges cannot deadlock.
    const rows = await tx
      .select()
      .from(conversations)
      .where(inArray(conversations.id, [sourceId, targetId]))
      .orderBy(asc(conversations.id))
      .for("update");
    const source = rows.find((r) => r.id === sourceId)!;
    const target = rows.find((r) => r.id === targetId)!;
    await tx.update(messages).set({ conversationId: target.id }).where(eq(messages.conversationId, source.id));
    const sourceIsNewer =
      source.lastMessageAt !== null && (target.lastMessageAt === null || source.lastMessageAt > target.lastMessageAt);
    const lastMessageAt = sourceIsNewer ? source.lastMessageAt : target.lastMessageAt;
    await tx
      .update(conversations)
      .set({
        lastMessageAt,
        ...(sourceIsNewer && { lastMessage: source.lastMessage, lastMessageSenderType: source.lastMessageSenderType }),
        updatedAt: now,
      })
      .where(eq(conversations.id, target.id));
    await tx
      .update(conversations)
      .set({ statusId: closed.id, closedAt: now, snoozedUntil: null, updatedAt: now })
      .where(eq(conversations.id, source.id));
    const senderId = agentId(ctx);
    const into = await writeActivity(
      tx,
      { tenantId: ctx.tenantId, conversationId: target.id, conversationUuid: target.uuid, senderId, now },
      {
        kind: "merge",
        text: `${who} merged #${source.referenceNumber} into this conversation`,
        meta: { source_uuid: source.uuid },
      },
    );
    const from = await writeActivity(
      tx,
      { tenantId: ctx.tenantId, conversationId: source.id, conversationUuid: source.uuid, senderId, now },
      {
        kind: "merge",
        text: `${who} merged this conversation into #${target.referenceNumber}`,
        meta: { target_uuid: target.uuid },
      },
    );
    const update = (uuid: string, changes: Record<string, unknown>): DomainEvent => ({
      type: "conversation_update",
      tenantId: ctx.tenantId,
      conversationUuid: uuid,
      changes,
    });
    after.publish(
      update(source.uuid, {
        status: closed.name,
        closed_at: iso(now),
        ...(source.snoozedUntil && { snoozed_until: null }),
      }),
      update(target.uuid, { last_message_at: iso(lastMessageAt) }),
      into,
      from,
    );
  });
}
