import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import type { DomainEvent } from "../port/events.ts";
import type { QueueMessage } from "../port/queue.ts";
import { users } from "../user/user.sql.ts";
import { notifications } from "./notification.sql.ts";

/** What a notification is about: a mention, an assignment, being added as a follower. */
export type NotificationType = "mention" | "assigned" | "follower_added";

export type NewNotifications = {
  tenantId: number;
  /** The agents to notify; duplicates, the actor and anyone not an enabled agent of the workspace are skipped. */
  userIds: readonly number[];
  type: NotificationType;
  title: string;
  description?: string;
  conversationId?: number | null;
  messageId?: number | null;
  /** Who caused it (never notified about their own action); null for automations. */
  actorId?: number | null;
};

export type NotificationRow = typeof notifications.$inferSelect;

/**
 * Inserts one notification per recipient and returns the rows. Run it inside the transaction of the change
 * it reports, and publish `notificationMessages(rows)` and `notificationEvents(rows)` once it has committed.
 */
export async function createNotifications(db: Db, input: NewNotifications): Promise<NotificationRow[]> {
  const candidates = [...new Set(input.userIds)].filter((id) => id !== input.actorId);
  if (candidates.length === 0) return [];
  const recipients = await db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.tenantId, input.tenantId),
        inArray(users.id, candidates),
        eq(users.type, "agent"),
        eq(users.enabled, true),
        isNull(users.deletedAt),
      ),
    );
  if (recipients.length === 0) return [];
  return db
    .insert(notifications)
    .values(
      recipients.map(({ id }) => ({
        tenantId: input.tenantId,
        userId: id,
        type: input.type,
        title: input.title,
        description: input.description ?? "",
        conversationId: input.conversationId ?? null,
        messageId: input.messageId ?? null,
        actorId: input.actorId ?? null,
      })),
    )
    .returning();
}

/** The deliveries (push, email) of freshly created notifications, one queue message each. */
export function notificationMessages(rows: readonly NotificationRow[]): QueueMessage[] {
  return rows.map((row) => ({ type: "notification.deliver", tenantId: row.tenantId, notificationId: row.id }));
}

/** The realtime `new_notification` pushes of freshly created notifications, one domain event each. */
export function notificationEvents(rows: readonly NotificationRow[]): DomainEvent[] {
  return rows.map((row) => ({
    type: "new_notification",
    tenantId: row.tenantId,
    userId: row.userId,
    notificationId: row.id,
  }));
}
