import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { conversationReads, conversations } from "../conversation/conversation.sql.ts";
import { iso } from "../db/iso.ts";
import { media } from "../media/media.sql.ts";
import { messages } from "../conversation/message.sql.ts";
import { previewOf, sanitizeMessageHtml } from "../html/sanitize.ts";
import type { Db } from "../port/database.ts";
import { statuses } from "../status/status.sql.ts";
import { users } from "../user/user.sql.ts";

/**
 * What a visitor sees. These views are built from an allow-list of columns, never from the agent views:
 * no private notes, no activity messages, no `meta` (recipients, PCI flags), no email of anyone, no
 * tags, custom attributes, priority, team or internal ids beyond the author's.
 */
export type WidgetAuthor = {
  id: number | null;
  type: "agent" | "contact";
  first_name: string;
  last_name: string;
  avatar_url: string | null;
};

export type WidgetAttachment = { uuid: string; filename: string; content_type: string; size: number; url: string };

export type WidgetMessage = {
  uuid: string;
  conversation_uuid: string;
  /** `incoming` was written by the visitor, `outgoing` by an agent. */
  type: "incoming" | "outgoing";
  status: string;
  content_type: "html" | "text";
  content: string;
  text_content: string;
  created_at: string;
  author: WidgetAuthor;
  attachments: WidgetAttachment[];
};

export type WidgetConversation = {
  uuid: string;
  status: string;
  created_at: string;
  last_message: string;
  last_message_at: string | null;
  last_message_sender_type: "agent" | "contact" | null;
  unread_count: number;
  assignee: { first_name: string; last_name: string; avatar_url: string | null } | null;
};

/** Signed, absolute URL of a media uuid for the visitor. */
export type MediaUrl = (uuid: string) => string;

/** Messages the widget shows: public, written by the contact or an agent. */
const shown = and(eq(messages.private, false), inArray(messages.type, ["incoming", "outgoing"]));

/** Newest messages a conversation view carries (oldest first). */
export const WIDGET_MESSAGE_LIMIT = 200;

const author = alias(users, "author");
const assignee = alias(users, "assignee");

function selectMessages(db: Db) {
  return db
    .select({
      id: messages.id,
      uuid: messages.uuid,
      conversationUuid: conversations.uuid,
      type: messages.type,
      status: messages.status,
      contentType: messages.contentType,
      content: messages.content,
      textContent: messages.textContent,
      createdAt: messages.createdAt,
      senderId: messages.senderId,
      senderType: messages.senderType,
      firstName: author.firstName,
      lastName: author.lastName,
      avatarUrl: author.avatarUrl,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .leftJoin(author, eq(author.id, messages.senderId))
    .$dynamic();
}

type Row = Awaited<ReturnType<ReturnType<typeof selectMessages>["execute"]>>[number];

async function views(db: Db, tenantId: number, rows: Row[], mediaUrl: MediaUrl): Promise<WidgetMessage[]> {
  const ids = rows.map((r) => r.id);
  const files = ids.length
    ? await db
        .select({
          messageId: media.messageId,
          uuid: media.uuid,
          filename: media.filename,
          contentType: media.contentType,
          size: media.size,
        })
        .from(media)
        .where(and(eq(media.tenantId, tenantId), inArray(media.messageId, ids)))
        .orderBy(asc(media.id))
    : [];
  return rows.map((r) => ({
    uuid: r.uuid,
    conversation_uuid: r.conversationUuid,
    type: r.type === "incoming" ? "incoming" : "outgoing",
    status: r.status,
    content_type: r.contentType,
    content: r.contentType === "html" ? sanitizeMessageHtml(r.content) : r.content,
    text_content: r.textContent,
    created_at: iso(r.createdAt)!,
    author: {
      id: r.senderId,
      type: r.type === "incoming" ? "contact" : "agent",
      first_name: r.firstName ?? "",
      last_name: r.lastName ?? "",
      avatar_url: r.avatarUrl,
    },
    attachments: files
      .filter((f) => f.messageId === r.id)
      .map((f) => ({
        uuid: f.uuid,
        filename: f.filename,
        content_type: f.contentType,
        size: Number(f.size),
        url: mediaUrl(f.uuid),
      })),
  }));
}

/** The newest messages of a conversation, oldest first. */
export async function widgetMessagesOf(
  db: Db,
  tenantId: number,
  conversationId: number,
  mediaUrl: MediaUrl,
): Promise<WidgetMessage[]> {
  const rows = await selectMessages(db)
    .where(and(eq(messages.conversationId, conversationId), shown))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(WIDGET_MESSAGE_LIMIT);
  return views(db, tenantId, rows.reverse(), mediaUrl);
}

/**
 * One message as the widget shows it, or null when the widget must not see it (private note, activity,
 * another workspace's). The realtime hub renders widget pushes with this.
 */
export async function widgetMessageByUuid(
  db: Db,
  tenantId: number,
  messageUuid: string,
  mediaUrl: MediaUrl,
): Promise<WidgetMessage | null> {
  const rows = await selectMessages(db).where(
    and(eq(messages.tenantId, tenantId), eq(messages.uuid, messageUuid), shown),
  );
  const [view] = await views(db, tenantId, rows, mediaUrl);
  return view ?? null;
}

/** Conversation views of `ids` (one query each for rows, last public messages and unread counts). */
export async function widgetConversations(db: Db, contactId: number, ids: number[]): Promise<WidgetConversation[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      id: conversations.id,
      uuid: conversations.uuid,
      status: statuses.name,
      createdAt: conversations.createdAt,
      assigneeFirst: assignee.firstName,
      assigneeLast: assignee.lastName,
      assigneeAvatar: assignee.avatarUrl,
      lastSeenAt: conversationReads.lastSeenAt,
    })
    .from(conversations)
    .innerJoin(statuses, eq(statuses.id, conversations.statusId))
    .leftJoin(assignee, eq(assignee.id, conversations.assignedUserId))
    .leftJoin(
      conversationReads,
      and(eq(conversationReads.conversationId, conversations.id), eq(conversationReads.userId, contactId)),
    )
    .where(inArray(conversations.id, ids));
  // The conversation's own last_message may be a private note: the widget's comes from public messages only.
  const last = await db
    .selectDistinctOn([messages.conversationId], {
      conversationId: messages.conversationId,
      text: messages.textContent,
      type: messages.type,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .where(and(inArray(messages.conversationId, ids), shown))
    .orderBy(messages.conversationId, desc(messages.createdAt), desc(messages.id));
  const unread = await db
    .select({ conversationId: messages.conversationId, count: sql<number>`count(*)::int` })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .leftJoin(
      conversationReads,
      and(eq(conversationReads.conversationId, conversations.id), eq(conversationReads.userId, contactId)),
    )
    .where(
      and(
        inArray(messages.conversationId, ids),
        eq(messages.private, false),
        eq(messages.type, "outgoing"),
        sql`(${conversationReads.lastSeenAt} IS NULL OR ${messages.createdAt} > ${conversationReads.lastSeenAt})`,
      ),
    )
    .groupBy(messages.conversationId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const l = last.find((m) => m.conversationId === id);
    return [
      {
        uuid: r.uuid,
        status: r.status,
        created_at: iso(r.createdAt)!,
        last_message: l ? previewOf(l.text) : "",
        last_message_at: l ? iso(l.createdAt) : null,
        last_message_sender_type: l ? (l.type === "incoming" ? "contact" : "agent") : null,
        unread_count: Number(unread.find((u) => u.conversationId === id)?.count ?? 0),
        assignee:
          r.assigneeFirst === null
            ? null
            : { first_name: r.assigneeFirst, last_name: r.assigneeLast ?? "", avatar_url: r.assigneeAvatar },
      } satisfies WidgetConversation,
    ];
  });
}
