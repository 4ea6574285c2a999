import { and, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { conversations } from "../conversation/conversation.sql.ts";
import { iso } from "../db/iso.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { notifications } from "./notification.sql.ts";

/** A notification as its recipient sees it, with who caused it. */
export type NotificationView = {
  id: number;
  type: string;
  title: string;
  description: string;
  conversation_uuid: string | null;
  message_id: number | null;
  actor: { id: number; first_name: string; last_name: string } | null;
  read_at: string | null;
  created_at: string;
};

const actors = alias(users, "actor");

/** Notifications with their conversation's uuid and their actor's name; callers add the where clause. */
export function selectNotificationViews(db: Db) {
  return db
    .select({
      id: notifications.id,
      type: notifications.type,
      title: notifications.title,
      description: notifications.description,
      conversationUuid: conversations.uuid,
      messageId: notifications.messageId,
      actorId: actors.id,
      actorFirstName: actors.firstName,
      actorLastName: actors.lastName,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .leftJoin(
      conversations,
      and(eq(conversations.id, notifications.conversationId), eq(conversations.tenantId, notifications.tenantId)),
    )
    .leftJoin(actors, and(eq(actors.id, notifications.actorId), eq(actors.tenantId, notifications.tenantId)))
    .$dynamic();
}

type NotificationViewRow = Awaited<ReturnType<typeof selectNotificationViews>>[number];

export function toNotificationView(row: NotificationViewRow): NotificationView {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    description: row.description,
    conversation_uuid: row.conversationUuid,
    message_id: row.messageId,
    actor:
      row.actorId === null
        ? null
        : { id: row.actorId, first_name: row.actorFirstName ?? "", last_name: row.actorLastName ?? "" },
    read_at: iso(row.readAt),
    created_at: iso(row.createdAt)!,
  };
}
