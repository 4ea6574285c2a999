import { and, asc, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { NotFoundError } from "../errors/index.ts";
import { offsetOf, pageResult, type PageRequest, type PageResult } from "../page/index.ts";
import { notifications } from "./notification.sql.ts";
import { selectNotificationViews, toNotificationView, type NotificationView } from "./view.ts";

export {
  createNotifications,
  notificationEvents,
  notificationMessages,
  type NewNotifications,
  type NotificationRow,
  type NotificationType,
} from "./create.ts";
export type { NotificationView } from "./view.ts";

export const NOTIFICATION_ORDER_KEYS = ["created_at"] as const;

export type NotificationListQuery = PageRequest & {
  order: "asc" | "desc";
  /** true: unread only; false: read only; absent: both. */
  unread?: boolean | undefined;
};

/** Every operation here acts on the caller's own notifications; anyone else's are not found. */
function own(ctx: Ctx) {
  if (ctx.actor.type !== "agent") throw new NotFoundError("Notification");
  return and(eq(notifications.tenantId, ctx.tenantId), eq(notifications.userId, ctx.actor.userId));
}

export async function listNotifications(ctx: Ctx, q: NotificationListQuery): Promise<PageResult<NotificationView>> {
  const readFilter =
    q.unread === undefined ? undefined : q.unread ? isNull(notifications.readAt) : isNotNull(notifications.readAt);
  const where = and(own(ctx), readFilter);
  const dir = q.order === "asc" ? asc : desc;
  const [rows, [count]] = await Promise.all([
    selectNotificationViews(ctx.db)
      .where(where)
      .orderBy(dir(notifications.createdAt), dir(notifications.id))
      .limit(q.pageSize)
      .offset(offsetOf(q)),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(where),
  ]);
  return pageResult(rows.map(toNotificationView), count!.n, q);
}

export async function notificationStats(ctx: Ctx): Promise<{ total: number; unread: number }> {
  const [stats] = await ctx.db
    .select({
      total: sql<number>`count(*)::int`,
      unread: sql<number>`(count(*) filter (where ${notifications.readAt} is null))::int`,
    })
    .from(notifications)
    .where(own(ctx));
  return stats!;
}

/** Marks one notification read; one already read keeps its first read time. */
export async function markNotificationRead(ctx: Ctx, id: number): Promise<NotificationView> {
  const updated = await ctx.db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${ctx.clock.now().toISOString()}::timestamptz)` })
    .where(and(own(ctx), eq(notifications.id, id)))
    .returning({ id: notifications.id });
  if (updated.length === 0) throw new NotFoundError("Notification");
  const [row] = await selectNotificationViews(ctx.db).where(and(own(ctx), eq(notifications.id, id)));
  return toNotificationView(row!);
}

export async function markAllNotificationsRead(ctx: Ctx): Promise<void> {
  await ctx.db
    .update(notifications)
    .set({ readAt: ctx.clock.now() })
    .where(and(own(ctx), isNull(notifications.readAt)));
}

export async function deleteNotification(ctx: Ctx, id: number): Promise<void> {
  const deleted = await ctx.db
    .delete(notifications)
    .where(and(own(ctx), eq(notifications.id, id)))
    .returning({ id: notifications.id });
  if (deleted.length === 0) throw new NotFoundError("Notification");
}

export async function deleteAllNotifications(ctx: Ctx): Promise<void> {
  await ctx.db.delete(notifications).where(own(ctx));
}
