import { and, eq, inArray, type SQLWrapper } from "drizzle-orm";
import { media } from "../media/media.sql.ts";
import { messages } from "./message.sql.ts";
import type { Db } from "../port/database.ts";
import { conversations } from "./conversation.sql.ts";

/**
 * Hands the files of `messageIds` (a list or a subquery of message ids) to the orphan cleanup
 * (media/cleanup.ts): they expire now, so once their messages are gone its next run deletes the rows, then
 * the bytes. Imported mail's files included (they never expire otherwise).
 */
export async function releaseMessageMedia(
  tx: Db,
  tenantId: number,
  messageIds: readonly number[] | SQLWrapper,
  now: Date,
): Promise<void> {
  await tx
    .update(media)
    .set({ expiresAt: now })
    .where(and(eq(media.tenantId, tenantId), inArray(media.messageId, messageIds)));
}

/**
 * Deletes conversations for good, in the caller's transaction: messages, tags, participants, drafts… cascade,
 * and their files go with the orphan cleanup (releaseMessageMedia). The one hard delete behind
 * `DELETE /conversations/{uuid}`, the trash retention and `DELETE /contacts/{id}`.
 */
export async function purgeConversations(tx: Db, tenantId: number, ids: readonly number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  const held = tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), inArray(messages.conversationId, [...ids])));
  await releaseMessageMedia(tx, tenantId, held, now);
  await tx.delete(conversations).where(and(eq(conversations.tenantId, tenantId), inArray(conversations.id, [...ids])));
}
