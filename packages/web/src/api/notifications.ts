import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Page } from "./types.ts";

/** One of the signed-in agent's notifications (a mention, an assignment, being added as a follower). */
export type AgentNotification = {
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

export type NotificationCounts = { total: number; unread: number };

export const notificationsApi = {
  /** Newest first. */
  list: (pageSize: number) =>
    call<Page<AgentNotification>>(ENDPOINTS.notifications, { query: { page: 1, page_size: pageSize, order: "desc" } }),
  counts: () => call<NotificationCounts>(ENDPOINTS.notificationStats),
  markRead: (id: number) => call<AgentNotification>(ENDPOINTS.notificationRead, { params: { id } }),
  markAllRead: () => call<true>(ENDPOINTS.notificationsReadAll),
};
