import { eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { transaction } from "../db/transaction.ts";
import { actorName, writeActivity, type Activity } from "./activity.ts";
import type { Db } from "../port/database.ts";
import type { Effects } from "../port/effects.ts";
import type { DomainEvent } from "../port/events.ts";
import { conversations } from "./conversation.sql.ts";
import { visibleConversationId, type ConversationRef } from "./get.ts";

export type ConversationRow = typeof conversations.$inferSelect;

/**
 * A conversation to change: a reference resolved through the visibility rule, or `{id}` of one the caller
 * was already shown (a macro keeps applying after an earlier action assigned the ticket away).
 */
export type ChangeTarget = ConversationRef | { id: number };

/** A planned change: the columns to write, the wire fields that changed, and the activity sentence. */
export type Change = {
  set: Partial<ConversationRow>;
  changes: Record<string, unknown>;
  activity: Activity;
  /** Writes beyond the conversation row (tags, notifications), in the same transaction, and their effects. */
  also?: (tx: Db) => Promise<Partial<Effects> | void>;
};

export const targetId = (ctx: Ctx, target: ChangeTarget) =>
  "id" in target ? Promise.resolve(target.id) : visibleConversationId(ctx, target);

export const agentId = (ctx: Ctx) => (ctx.actor.type === "agent" ? ctx.actor.userId : null);

/**
 * The one way a conversation changes: lock the row, plan from its current state (null = nothing to do),
 * write the columns and an activity message in one transaction, and publish after commit a
 * `conversation_update` with only the changed fields plus the activity's `new_message`. True when it wrote.
 */
export async function changeConversation(
  ctx: Ctx,
  target: ChangeTarget,
  plan: (row: ConversationRow, tx: Db, who: string) => Promise<Change | null> | Change | null,
  senderId: number | null = agentId(ctx),
): Promise<boolean> {
  const id = await targetId(ctx, target);
  const now = ctx.clock.now();
  return transaction(ctx, async (tx, after) => {
    const [row] = await tx.select().from(conversations).where(eq(conversations.id, id)).for("update");
    const change = row && (await plan(row, tx, actorName(ctx.actor)));
    if (!row || !change) return false;
    await tx
      .update(conversations)
      .set({ ...change.set, updatedAt: now })
      .where(eq(conversations.id, id));
    const more = (await change.also?.(tx)) ?? {};
    const newMessage = await writeActivity(
      tx,
      { tenantId: row.tenantId, conversationId: id, conversationUuid: row.uuid, senderId, now },
      change.activity,
    );
    const update: DomainEvent = {
      type: "conversation_update",
      tenantId: row.tenantId,
      conversationUuid: row.uuid,
      changes: change.changes,
    };
    after.publish(update, newMessage);
    after.add(more);
    return true;
  });
}
