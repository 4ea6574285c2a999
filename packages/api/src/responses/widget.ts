import { PRECHAT_FIELD_TYPES } from "@helperiq/core/inbox/config-schema";
import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/**
 * What the live-chat widget shows a visitor (core/widget/view.ts): built from an allow-list, never from
 * the agent views — no private notes, no email addresses, no internal fields beyond the author's id.
 */
const launcher = z.object({
  position: z.enum(["left", "right"]),
  color: z.string(),
  icon_url: z.string(),
  spacing_side: int,
  spacing_bottom: int,
});

/** The pre-chat form a live-chat inbox asks visitors to fill in before their first message. */
const prechatForm = z.object({
  enabled: z.boolean(),
  title: z.string(),
  fields: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      type: z.enum(PRECHAT_FIELD_TYPES),
      required: z.boolean(),
      placeholder: z.string(),
      options: z.array(z.string()),
    }),
  ),
});

/** What a live-chat inbox looks like to visitors: the widget's settings, and the inbox config's same fields. */
export const livechatLook = {
  brand_name: z.string(),
  logo_url: z.string(),
  greeting: z.string(),
  intro: z.string(),
  launcher,
  prechat_form: prechatForm,
};

export const widgetLauncher = z.object({ launcher }).meta({ id: "WidgetLauncher" });

export const widgetSettings = z
  .object({
    inbox: z.object({ uuid: z.string(), name: z.string() }),
    ...livechatLook,
    file_upload: z.boolean(),
    identity_verification: z.boolean().describe("Whether the site can sign its users in (auth/exchange)."),
  })
  .meta({ id: "WidgetSettings" });

export const widgetSessionUser = z
  .object({ user_id: int, is_visitor: z.boolean(), first_name: z.string(), last_name: z.string() })
  .meta({ id: "WidgetUser" });

export const widgetSession = z
  .object({ session_token: z.string(), user: widgetSessionUser })
  .meta({ id: "WidgetSession" });

export const widgetMessage = z
  .object({
    uuid: z.string(),
    conversation_uuid: z.string(),
    type: z.enum(["incoming", "outgoing"]).describe("incoming was written by the visitor, outgoing by an agent."),
    status: z.string(),
    content_type: z.enum(["html", "text"]),
    content: z.string(),
    text_content: z.string(),
    created_at: timestamp,
    author: z.object({
      id: int.nullable(),
      type: z.enum(["agent", "contact"]),
      first_name: z.string(),
      last_name: z.string(),
      avatar_url: z.string().nullable(),
    }),
    attachments: z.array(
      z.object({ uuid: z.string(), filename: z.string(), content_type: z.string(), size: int, url: z.string() }),
    ),
  })
  .meta({ id: "WidgetMessage" });

export const widgetConversation = z
  .object({
    uuid: z.string(),
    status: z.string(),
    created_at: timestamp,
    last_message: z.string(),
    last_message_at: timestamp.nullable(),
    last_message_sender_type: z.enum(["agent", "contact"]).nullable(),
    unread_count: int,
    assignee: z.object({ first_name: z.string(), last_name: z.string(), avatar_url: z.string().nullable() }).nullable(),
  })
  .meta({ id: "WidgetConversation" });

export const widgetConversationDetail = z
  .object({
    conversation: widgetConversation,
    messages: z.array(widgetMessage).describe("The newest messages, oldest first."),
  })
  .meta({ id: "WidgetConversationDetail" });

/** A chat just started: the conversation, and a session for a visitor who had none. */
export const widgetChatStarted = widgetConversationDetail
  .extend({ session_token: z.string().optional(), user: widgetSessionUser.optional() })
  .meta({ id: "WidgetChatStarted" });
