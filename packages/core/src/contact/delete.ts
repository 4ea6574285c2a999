import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { purgeConversations, releaseMessageMedia } from "../conversation/purge.ts";
import { NotFoundError } from "../errors/index.ts";
import { swapAvatar } from "../media/avatar.ts";
import { messages } from "../message/message.sql.ts";
import { users } from "../user/user.sql.ts";
import { contactsOf } from "./scope.ts";

/**
 * `DELETE /contacts/{id}` (`contacts:delete`): erases the contact and everything that is theirs, as a
 * LibreDesk admin deleting a contact expects of a privacy request — their conversations (messages, files via
 * the orphan cleanup, tags, drafts: conversation/purge.ts), whatever they wrote that a merge moved into
 * another contact's conversation, their notes, alternate channels and widget sessions (cascades), an
 * uploaded avatar (media/avatar.ts). Agents'
 * own records (notifications, their notes' authorship) stay. One transaction under the contact's row lock:
 * a delete racing a new conversation for the same contact either sees it or makes it fail (foreign key).
 */
export async function deleteContact(ctx: Ctx, id: number): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [contact] = await tx
      .select({ id: users.id, avatarUrl: users.avatarUrl })
      .from(users)
      .where(and(contactsOf(ctx), eq(users.id, id)))
      .for("update");
    if (!contact) throw new NotFoundError("Contact");
    await swapAvatar(tx, ctx.tenantId, contact.avatarUrl, null, now);
    const theirs = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.tenantId, ctx.tenantId), eq(conversations.contactId, id)));
    await purgeConversations(
      tx,
      ctx.tenantId,
      theirs.map((c) => c.id),
      now,
    );
    const written = and(eq(messages.tenantId, ctx.tenantId), eq(messages.senderId, id));
    await releaseMessageMedia(tx, ctx.tenantId, tx.select({ id: messages.id }).from(messages).where(written), now);
    await tx.delete(messages).where(written);
    await tx.delete(users).where(eq(users.id, id));
  });
}
