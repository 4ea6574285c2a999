import { and, eq } from "drizzle-orm";
import { agentActor, type Ctx } from "../context/index.ts";
import { transaction, within } from "../db/transaction.ts";
import { InputError, PermissionError } from "../errors/index.ts";
import type { DomainEvent } from "../port/events.ts";
import { messages } from "../conversation/message.sql.ts";
import { messageViewById, requireMessage, type MessageRef } from "./read.ts";
import { cleanMessage } from "../html/sanitize.ts";
import type { MessageView } from "./view.ts";

/** A private note of the caller's: public messages are immutable (400), other agents' notes are not theirs (403). */
async function ownNote(ctx: Ctx, ref: MessageRef) {
  const row = await requireMessage(ctx, ref);
  if (!row.private) throw new InputError("public messages are immutable");
  if (row.senderId !== agentActor(ctx).userId) throw new PermissionError("Only the author can change a private note");
  return row;
}

const updated = (ctx: Ctx, ref: MessageRef, changes: Record<string, unknown>): DomainEvent => ({
  type: "message_update",
  tenantId: ctx.tenantId,
  ...ref,
  changes,
});

export async function editNote(ctx: Ctx, ref: MessageRef, html: string): Promise<MessageView> {
  const row = await ownNote(ctx, ref);
  const { content, textContent } = cleanMessage(html);
  if (!textContent && !/<img\b/i.test(content)) throw new InputError("message: required");
  return transaction(ctx, async (tx, after) => {
    await tx.update(messages).set({ content, textContent, updatedAt: ctx.clock.now() }).where(eq(messages.id, row.id));
    const message = await messageViewById(within(ctx, tx, after), row.id);
    after.publish(updated(ctx, ref, { content: message.content, text_content: message.text_content }));
    return message;
  });
}

/** Deletes the caller's private note; its attachments stay as unattached uploads. */
export async function deleteNote(ctx: Ctx, ref: MessageRef): Promise<void> {
  const row = await ownNote(ctx, ref);
  await transaction(ctx, async (tx, after) => {
    await tx.delete(messages).where(eq(messages.id, row.id));
    after.publish(updated(ctx, ref, { deleted: true }));
  });
}

/**
 * Queues a failed outgoing message again: only a `failed` one (400), only by its sender (403). It goes back
 * to `pending` and a `message.deliver` is published after the change; the Message-ID of the first try is kept.
 */
export async function retryMessage(ctx: Ctx, ref: MessageRef): Promise<MessageView> {
  const row = await requireMessage(ctx, ref);
  if (row.senderId !== agentActor(ctx).userId)
    throw new PermissionError("Only the original sender can retry a message");
  if (row.status !== "failed") throw new InputError("only a failed message can be retried");
  const meta = { ...row.meta, pending_delivery: true };
  await transaction(ctx, async (tx, after) => {
    const [again] = await tx
      .update(messages)
      .set({ status: "pending", meta, updatedAt: ctx.clock.now() })
      .where(and(eq(messages.id, row.id), eq(messages.status, "failed")))
      .returning({ id: messages.id });
    // A concurrent retry got there first: it queued the delivery.
    if (!again) throw new InputError("only a failed message can be retried");
    after.enqueue({ type: "message.deliver", tenantId: ctx.tenantId, messageId: row.id });
    after.publish(updated(ctx, ref, { status: "pending" }));
  });
  return messageViewById(ctx, row.id);
}
