import { MESSAGE_STATUSES, MESSAGE_TYPES, SENDER_TYPES } from "@helperiq/core/conversation/message.sql";
import { z } from "zod";
import { int, jsonObject, timestamp } from "./scalars.ts";

/** A file of a message; `url` is signed, so it works without credentials until it expires. */
export const attachment = z
  .object({ uuid: z.string(), filename: z.string(), content_type: z.string(), size: int, url: z.string() })
  .meta({ id: "Attachment" });

/** A message as agents see it (core/message `MessageView`). */
export const message = z
  .object({
    id: int,
    uuid: z.string(),
    conversation_uuid: z.string(),
    type: z.enum(MESSAGE_TYPES),
    status: z.enum(MESSAGE_STATUSES),
    private: z.boolean().describe("A private note, never sent to the contact."),
    content_type: z.enum(["html", "text"]),
    content: z.string(),
    text_content: z.string(),
    sender_id: int.nullable(),
    sender_type: z.enum(SENDER_TYPES),
    created_at: timestamp,
    attachments: z.array(attachment),
    meta: jsonObject.describe("Recipients, delivery details, PCI flags."),
  })
  .meta({ id: "Message" });
