import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** A notification as its recipient sees it (core/notification `NotificationView`). */
export const notification = z
  .object({
    id: int,
    type: z.string(),
    title: z.string(),
    description: z.string(),
    conversation_uuid: z.string().nullable(),
    message_id: int.nullable(),
    actor: z
      .object({ id: int, first_name: z.string(), last_name: z.string() })
      .nullable()
      .describe("Who caused it, when someone did."),
    read_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: "Notification" });

export const notificationCounts = z.object({ total: int, unread: int }).meta({ id: "NotificationCounts" });
