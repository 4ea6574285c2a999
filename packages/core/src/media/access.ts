import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { visibleTo } from "../conversation/visibility.ts";
import { messages } from "../conversation/message.sql.ts";
import type { Db } from "../port/database.ts";
import { media } from "./media.sql.ts";

export type MediaRecord = {
  id: number;
  uuid: string;
  filename: string;
  contentType: string;
  size: number;
  storageKey: string;
  messageId: number | null;
  uploadedBy: number | null;
};

/** Media of this workspace by uuid; another workspace's uuid is not found, like a made-up one. */
export async function findMedia(db: Db, tenantId: number, uuid: string): Promise<MediaRecord | undefined> {
  const [row] = await db
    .select({
      id: media.id,
      uuid: media.uuid,
      filename: media.filename,
      contentType: media.contentType,
      size: media.size,
      storageKey: media.storageKey,
      messageId: media.messageId,
      uploadedBy: media.uploadedBy,
    })
    .from(media)
    .where(and(eq(media.tenantId, tenantId), eq(media.uuid, uuid.toLowerCase())))
    .limit(1);
  return row ? { ...row, size: Number(row.size) } : undefined;
}

/**
 * Who may fetch media with their own credentials (a signed URL needs none): media held by a message is
 * visible to whoever may read that conversation's messages (`messages:read` and the visibility rule,
 * private notes included, as in the message list); media no message holds only to its uploader.
 */
export async function mayReadMedia(ctx: Ctx, record: MediaRecord): Promise<boolean> {
  const actor = ctx.actor;
  // Widget contacts receive signed URLs; their credentials alone open nothing here.
  if (actor.type !== "agent") return actor.type === "system";
  if (record.messageId === null) return record.uploadedBy !== null && record.uploadedBy === actor.userId;
  if (!actor.permissions.has("messages:read")) return false;
  const [row] = await ctx.db
    .select({ id: messages.id })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.tenantId, ctx.tenantId), eq(messages.id, record.messageId), visibleTo(actor)))
    .limit(1);
  return row !== undefined;
}
