import { and, eq, inArray } from "drizzle-orm";
import { contactsOf, requireContact } from "../contact/scope.ts";
import type { Ctx } from "../context/index.ts";
import { transaction, within } from "../db/transaction.ts";
import { NotFoundError } from "../errors/index.ts";
import { swapAvatar } from "../media/avatar.ts";
import type { PageResult } from "../page/index.ts";
import { users } from "../user/user.sql.ts";
import { conversationReads, conversations } from "./conversation.sql.ts";
import { listConversations, type ConversationListQuery, type ConversationListRow } from "./list.ts";
import { messages } from "./message.sql.ts";
import { purgeConversations, releaseMessageMedia } from "./purge.ts";

/**
 * Conversations seen from their contact: the contact's list, a visitor who proves to be a known contact
 * handing theirs over, and a contact's erasure. Conversations point at their contact, so erasing one is a
 * conversation operation (contact/ holds the contact's own records).
 */

/** A contact's conversations as list rows, limited by the caller's visibility like every conversation list. */
export async function listContactConversations(
  ctx: Ctx,
  contactId: number,
  q: ConversationListQuery,
): Promise<PageResult<ConversationListRow>> {
  await requireContact(ctx, contactId);
  return listConversations(ctx, { kind: "contact", contactId }, q);
}

/**
 * `DELETE /contacts/{id}` (`contacts:delete`): erases the contact and everything that is theirs, as a
 * LibreDesk admin deleting a contact expects of a privacy request: their conversations (messages, files via
 * the orphan cleanup, tags, drafts) and whatever they wrote that a merge moved into another contact's
 * conversation (eraseContactConversations), their notes, alternate channels and widget sessions (cascades),
 * an uploaded avatar (media/avatar.ts). Agents' own records (notifications, their notes' authorship) stay.
 * One transaction under the contact's row lock: a delete racing a new conversation for the same contact
 * either sees it or makes it fail (foreign key).
 */
export async function deleteContact(ctx: Ctx, id: number): Promise<void> {
  const now = ctx.clock.now();
  await transaction(ctx, async (tx, after) => {
    const [contact] = await tx
      .select({ id: users.id, avatarUrl: users.avatarUrl })
      .from(users)
      .where(and(contactsOf(ctx), eq(users.id, id)))
      .for("update");
    if (!contact) throw new NotFoundError("Contact");
    await swapAvatar(tx, ctx.tenantId, contact.avatarUrl, null, now);
    await eraseContactConversations(within(ctx, tx, after), id);
    await tx.delete(users).where(eq(users.id, id));
  });
}

export type ContactCard = { first_name: string; last_name: string; email: string | null };

/**
 * The conversations of contact `from` (an anonymous visitor) become `to`'s: the conversations, what `from`
 * wrote in them and their read state. Each conversation's clients get a `conversation_update` with the new
 * contact. Run it in the caller's transaction (`ctx` bound to it with `within`: widget/exchange.ts).
 */
export async function handOverConversations(
  ctx: Ctx,
  from: number,
  to: { id: number; card: ContactCard },
): Promise<void> {
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
    after.publish(
      ...moved.map((c) => ({
        type: "conversation_update" as const,
        tenantId: ctx.tenantId,
        conversationUuid: c.uuid,
        changes,
      })),
    );
  });
}

/**
 * Erases contact `contactId` from conversations, in deleteContact's transaction: their conversations are deleted for good (purge.ts), and
 * what they wrote that a merge moved into another contact's conversation is deleted, with its files. The
 * deleted messages of conversations that stay are published as `message_update {deleted: true}` (as a
 * deleted note is); deleted conversations have nothing left to tell clients about.
 */
async function eraseContactConversations(ctx: Ctx, contactId: number): Promise<void> {
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
