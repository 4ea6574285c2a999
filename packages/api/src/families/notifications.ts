import {
  deleteAllNotifications,
  deleteNotification,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  NOTIFICATION_ORDER_KEYS,
  notificationStats,
} from "@helperiq/core/notification/index";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds } from "../middleware/envelope.ts";
import { notification, notificationCounts } from "../responses/notification.ts";
import { page } from "../responses/page.ts";
import { done } from "../responses/scalars.ts";
import { idParam, pageQuery, validate } from "../validate.ts";

const listQuery = pageQuery(NOTIFICATION_ORDER_KEYS, "created_at").extend({
  unread: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
});

/** The caller's own notifications; anyone else's are 404. */
export const notificationsFamily = new Hono<AppEnv>()
  .get("/api/v1/notifications", auth(), validate("query", listQuery), responds(page(notification)), async (c) => {
    const q = c.req.valid("query");
    return ok(
      c,
      await listNotifications(ctxOf(c), { page: q.page, pageSize: q.page_size, order: q.order, unread: q.unread }),
    );
  })
  .get("/api/v1/notifications/stats", auth(), responds(notificationCounts), async (c) =>
    ok(c, await notificationStats(ctxOf(c))),
  )
  .put("/api/v1/notifications/read-all", auth(), responds(done), async (c) => {
    await markAllNotificationsRead(ctxOf(c));
    return ok(c, true);
  })
  .put("/api/v1/notifications/:id/read", auth(), validate("param", idParam), responds(notification), async (c) =>
    ok(c, await markNotificationRead(ctxOf(c), c.req.valid("param").id)),
  )
  .delete("/api/v1/notifications/:id", auth(), validate("param", idParam), responds(done), async (c) => {
    await deleteNotification(ctxOf(c), c.req.valid("param").id);
    return ok(c, true);
  })
  .delete("/api/v1/notifications", auth(), responds(done), async (c) => {
    await deleteAllNotifications(ctxOf(c));
    return ok(c, true);
  });
