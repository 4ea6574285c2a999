import { and, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { transaction } from "../db/transaction.ts";
import { messages } from "./message.sql.ts";
import { conversationReads, conversations } from "./conversation.sql.ts";
import { purgeConversations, releaseMessageMedia } from "./purge.ts";

/**
 * What happens to conversations when their contact changes: a visitor who proves to be a known contact
 * hands their conversations over, an erased contact's go. Both run in the caller's transaction (`ctx`
 * bound to it with `within`), which locks the contact first.
 */

export type ContactCard = { first_name: string; last_name: string; email: string | null };

/**
 * The conversations of contact `from` (an anonymous visitor) become `to`'s: the conversations, what `from`
 * wrote in them and their read state. Each conversation's clients get a `conversation_update` with the new
 * contact.
 */
export async function handOverConversations(ctx: Ctx, from: number, to: { id: number; card: ContactCard }): Promise<void> {
  const now = ctx.clock.now();
  await transaction(ctx, async (tx, after) => {
    const moved = await tx
      .update(conversations)
      .set({ contactId: to.id, updatedAt: now })
      .where(and(eq(conversations.tenantId, ctx.tenantId), eq(conversations.contactId, from)))
      .returning({ uuid: conversations.uuid });
    await tx
      .update(messages)
      .set({ senderId: to.id })
      .where(and(eq(messages.tenantId, ctx.tenantId), eq(messages.senderId, from), eq(messages.senderType, "contact")));
    await tx.update(conversationReads).set({ userId: to.id }).where(eq(conversationReads.userId, from));
    const changes = { contact_id: to.id, contact: to.card };
    after.publish(...moved.map((c) => ({ type: "conversation_update" as const, tenantId: ctx.tenantId, conversationUuid: c.uuid, changes })));
  });
}

/**
 * Erases contact `contactId` from conversations: their conversations are deleted for good (purge.ts), and
 * what they wrote that a merge moved into another contact's conversation is deleted, with its files. The
 * deleted messages of conversations that stay are published as `message_update {deleted: true}` (as a
 * deleted note is); deleted conversations have nothing left to tell clients about.
 */
export async function eraseContactConversations(ctx: Ctx, contactId: number): Promise<void> {
  const now = ctx.clock.now();
  await transaction(ctx, async (tx, after) => {
    const theirs = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.tenantId, ctx.tenantId), eq(conversations.contactId, contactId)));
    await purgeConversations(
      tx,
      ctx.tenantId,
      theirs.map((c) => c.id),
      now,
    );
    const written = await tx
      .select({ id: messages.id, uuid: messages.uuid, conversationUuid: conversations.uuid })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.tenantId, ctx.tenantId), eq(messages.senderId, contactId)));
    if (written.length === 0) return;
    const ids = written.map((m) => m.id);
    await releaseMessageMedia(tx, ctx.tenantId, ids, now);
    await tx.delete(messages).where(inArray(messages.id, ids));
    after.publish(
      ...written.map((m) => ({
        type: "message_update" as const,
        tenantId: ctx.tenantId,
        conversationUuid: m.conversationUuid,
        messageUuid: m.uuid,
        changes: { deleted: true },
      })),
    );
  });
}
