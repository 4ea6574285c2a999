import { and, asc, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { iso } from "../db/iso.ts";
import { media } from "../media/media.sql.ts";
import { messages } from "../conversation/message.sql.ts";
import { sanitizeMessageHtml } from "../html/sanitize.ts";

/** `url` is signed (Ctx.mediaUrl), so it works without credentials until it expires. */
export type Attachment = { uuid: string; filename: string; content_type: string; size: number; url: string };

/** A message as the API returns it. */
export type MessageView = {
  id: number;
  uuid: string;
  conversation_uuid: string;
  type: (typeof messages.$inferSelect)["type"];
  status: (typeof messages.$inferSelect)["status"];
  private: boolean;
  content_type: "html" | "text";
  content: string;
  text_content: string;
  sender_id: number | null;
  sender_type: (typeof messages.$inferSelect)["senderType"];
  created_at: string;
  attachments: Attachment[];
  meta: Record<string, unknown>;
};

const m = messages;

/** Messages joined with their conversation's uuid, selecting the view's columns. */
export function selectMessageRows(ctx: Ctx) {
  return ctx.db
    .select({
      id: m.id,
      uuid: m.uuid,
      conversationUuid: conversations.uuid,
      type: m.type,
      status: m.status,
      private: m.private,
      contentType: m.contentType,
      content: m.content,
      textContent: m.textContent,
      senderId: m.senderId,
      senderType: m.senderType,
      createdAt: m.createdAt,
      meta: m.meta,
    })
    .from(m)
    .innerJoin(conversations, eq(conversations.id, m.conversationId))
    .$dynamic();
}

type MessageRecord = Awaited<ReturnType<typeof selectMessageRows>>[number];

/** Views of `rows`, with their attachments (one query). HTML is sanitised again on the way out. */
export async function messageViews(ctx: Ctx, rows: MessageRecord[]): Promise<MessageView[]> {
  const ids = rows.map((r) => r.id);
  const files = ids.length
    ? await ctx.db
        .select({
          messageId: media.messageId,
          uuid: media.uuid,
          filename: media.filename,
          contentType: media.contentType,
          size: media.size,
        })
        .from(media)
        .where(and(eq(media.tenantId, ctx.tenantId), inArray(media.messageId, ids)))
        .orderBy(asc(media.id))
    : [];
  return rows.map((r) => ({
    id: r.id,
    uuid: r.uuid,
    conversation_uuid: r.conversationUuid,
    type: r.type,
    status: r.status,
    private: r.private,
    content_type: r.contentType,
    content: r.contentType === "html" ? sanitizeMessageHtml(r.content) : r.content,
    text_content: r.textContent,
    sender_id: r.senderId,
    sender_type: r.senderType,
    created_at: iso(r.createdAt)!,
    attachments: files
      .filter((f) => f.messageId === r.id)
      .map((f) => ({
        uuid: f.uuid,
        filename: f.filename,
        content_type: f.contentType,
        size: Number(f.size),
        url: ctx.mediaUrl?.(f.uuid) ?? `/uploads/${f.uuid}`,
      })),
    meta: r.meta,
  }));
}
