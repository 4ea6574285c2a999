import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Data, Page } from "./types.ts";

/** One of the signed-in agent's notifications (a mention, an assignment, being added as a follower). */
export type AgentNotification = Data<"GET", "/api/v1/notifications">["results"][number];

export type NotificationCounts = Data<"GET", "/api/v1/notifications/stats">;

export const notificationsApi = {
  /** Newest first. */
  list: (pageSize: number) =>
    call<Page<AgentNotification>>(ENDPOINTS.notifications, { query: { page: 1, page_size: pageSize, order: "desc" } }),
  counts: () => call<NotificationCounts>(ENDPOINTS.notificationStats),
  markRead: (id: number) => call<AgentNotification>(ENDPOINTS.notificationRead, { params: { id } }),
  markAllRead: () => call<true>(ENDPOINTS.notificationsReadAll),
};
