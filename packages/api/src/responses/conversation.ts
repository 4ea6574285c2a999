import { z } from "zod";
import { page } from "./page.ts";
import { int, jsonObject, timestamp } from "./scalars.ts";

const contactSummary = z.object({
  id: int,
  first_name: z.string(),
  last_name: z.string(),
  email: z.string().nullable(),
  avatar_url: z.string().nullable(),
});

/** A conversation as the lists show it (core/conversation `ConversationListRow`). */
export const conversationListItem = z
  .object({
    id: int,
    uuid: z.string(),
    reference_number: int,
    subject: z.string(),
    status: z.string(),
    status_id: int,
    priority: z.string().nullable(),
    priority_id: int.nullable(),
    assigned_user_id: int.nullable(),
    assigned_team_id: int.nullable(),
    inbox_id: int,
    inbox_name: z.string(),
    inbox_channel: z.string(),
    contact: contactSummary,
    last_message_at: timestamp.nullable(),
    last_message: z.string().describe("A plain-text preview of the last message."),
    last_message_sender: z.string().nullable(),
    waiting_since: timestamp.nullable(),
    first_reply_at: timestamp.nullable(),
    resolved_at: timestamp.nullable(),
    created_at: timestamp.nullable(),
    updated_at: timestamp.nullable(),
    tags: z.array(z.string()),
    unread_count: int,
    unread_message_count: int.describe("LibreDesk's name for unread_count."),
    has_draft: z.boolean().describe("Whether the caller has a draft reply in it."),
    next_sla_deadline_at: timestamp.nullable(),
    // LibreDesk's SLA fields: HelperIQ applies no SLA policies yet.
    sla_policy_id: z.null(),
    applied_sla_id: z.null(),
    first_response_deadline_at: z.null(),
    resolution_deadline_at: z.null(),
    next_response_deadline_at: z.null(),
    next_response_met_at: z.null(),
  })
  .meta({ id: "ConversationListItem" });

export const conversationPage = page(conversationListItem);

/** One of the contact's other conversations (LibreDesk's sidebar). */
const previousConversation = conversationListItem
  .pick({
    id: true,
    uuid: true,
    reference_number: true,
    subject: true,
    status: true,
    last_message: true,
    last_message_at: true,
    created_at: true,
    updated_at: true,
  })
  .extend({ contact: contactSummary.pick({ first_name: true, last_name: true, avatar_url: true }) });

/** One conversation with everything the conversation pane shows (core/conversation `ConversationDetail`). */
export const conversationDetail = conversationListItem
  .extend({
    contact: contactSummary.extend({
      phone: z.string().nullable(),
      phone_number: z.string().nullable().describe("LibreDesk's name for phone."),
      type: z
        .enum(["contact", "visitor"])
        .describe("visitor: a website visitor who gave no email (not served by the contacts routes)."),
    }),
    inbox_mail: z.string().describe("The inbox's sender address."),
    previous_conversations: z
      .array(previousConversation)
      .describe("The contact's other conversations the caller sees, newest first."),
    custom_attributes: jsonObject,
    meta: jsonObject,
    last_interaction_at: timestamp.nullable(),
    closed_at: timestamp.nullable(),
    snoozed_until: timestamp.nullable(),
  })
  .meta({ id: "ConversationDetail" });

/** A follower or mentioned agent of a conversation (core/conversation `Participant`). */
export const participant = z
  .object({
    id: int,
    first_name: z.string(),
    last_name: z.string(),
    email: z.string().nullable(),
    avatar_url: z.string().nullable(),
    type: z.string(),
  })
  .meta({ id: "Participant" });

export const participants = z.object({ participants: z.array(participant) });

/** The caller's draft reply in a conversation (core/conversation `DraftView`). */
export const draft = z
  .object({
    conversation_uuid: z.string(),
    content: z.string(),
    private: z.boolean(),
    is_forward: z.boolean(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    mentions: z.array(int),
    macro_id: int.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Draft" });

/** A page the contact visited during a live chat. */
export const pageVisit = z
  .object({ id: int, url: z.string(), title: z.string(), created_at: timestamp })
  .meta({ id: "PageVisit" });
