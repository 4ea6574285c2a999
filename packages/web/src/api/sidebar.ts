import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Conversation, ConversationContact, Data } from "./types.ts";

/** The conversation sidebar's calls: properties, assignees, tags, attributes, followers, page visits, orders. */

export type PreviousConversation = {
  uuid: string;
  reference_number: number;
  subject: string;
  status: string;
  last_message: string;
  last_message_at: string | null;
  created_at: string | null;
};

/** GET /conversations/:uuid as the sidebar reads it: the detail's fields beyond the list row's. */
export type ConversationDetail = Conversation & {
  contact: ConversationContact & { phone: string | null };
  previous_conversations: PreviousConversation[];
  custom_attributes: Record<string, unknown>;
};

export type Participant = Data<"GET", "/api/v1/conversations/:uuid/participants">[number];
export type TeamCompact = Data<"GET", "/api/v1/teams/compact">[number];
export type Tag = Data<"GET", "/api/v1/tags">[number];
export type AttributeType = "text" | "number" | "checkbox" | "date" | "link" | "list";
export type CustomAttribute = {
  id: number;
  applies_to: "contact" | "conversation";
  name: string;
  key: string;
  description: string;
  type: AttributeType;
  values: string[];
  regex: string | null;
};
export type PageVisit = Data<"GET", "/api/v1/conversations/:uuid/page-visits">[number];

export type EcommerceOrder = {
  id: string;
  number: string;
  status: string;
  created_at: string | null;
  currency: string;
  items: { sku: string; name: string; qty_ordered: number; qty_shipped: number; price: number; row_total: number }[];
  totals: { grand_total: number; paid: number; refunded: number };
  shipping_method: string;
  tracking: { carrier: string; title: string; number: string }[];
};
export type ConversationOrders = {
  enabled: boolean;
  customer: { id: string; email: string; first_name: string; last_name: string } | null;
  orders: EcommerceOrder[];
  mentioned_order_numbers: string[];
};

const at = (uuid: string) => ({ params: { uuid } });

export const sidebarApi = {
  conversation: (uuid: string) => call<ConversationDetail>(ENDPOINTS.conversation, at(uuid)),
  /** Snoozed takes a duration from now ("90m"); other statuses none. */
  setStatus: (uuid: string, status: string, snoozedUntil?: string) =>
    call<true>(ENDPOINTS.conversationStatus, { ...at(uuid), body: { status, snoozed_until: snoozedUntil } }),
  setPriority: (uuid: string, priority: number | null) =>
    call<true>(ENDPOINTS.conversationPriority, { ...at(uuid), body: { priority } }),
  assignUser: (uuid: string, id: number | null) =>
    id === null
      ? call<true>(ENDPOINTS.conversationUnassignUser, at(uuid))
      : call<true>(ENDPOINTS.conversationAssignUser, { ...at(uuid), body: { assignee_id: id } }),
  assignTeam: (uuid: string, id: number | null) =>
    id === null
      ? call<true>(ENDPOINTS.conversationUnassignTeam, at(uuid))
      : call<true>(ENDPOINTS.conversationAssignTeam, { ...at(uuid), body: { assignee_id: id } }),
  /** Replaces the conversation's tags with `tags` (names). */
  setTags: (uuid: string, tags: string[]) => call<true>(ENDPOINTS.conversationTags, { ...at(uuid), body: { tags } }),
  /** Merges `values` (null removes a key) into the conversation's or its contact's attributes. */
  setAttributes: (uuid: string, target: "conversation" | "contact", values: Record<string, unknown>) =>
    call<true>(target === "conversation" ? ENDPOINTS.conversationAttributes : ENDPOINTS.conversationContactAttributes, {
      ...at(uuid),
      body: values,
    }),
  participants: (uuid: string) => call<Participant[]>(ENDPOINTS.conversationParticipants, at(uuid)),
  follow: (uuid: string, on: boolean) =>
    call<{ participants: Participant[] }>(on ? ENDPOINTS.conversationFollow : ENDPOINTS.conversationUnfollow, at(uuid)),
  addFollower: (uuid: string, userId: number) =>
    call<{ participants: Participant[] }>(ENDPOINTS.conversationAddFollower, {
      ...at(uuid),
      body: { user_id: userId },
    }),
  removeFollower: (uuid: string, userId: number) =>
    call<{ participants: Participant[] }>(ENDPOINTS.conversationRemoveFollower, { params: { uuid, user_id: userId } }),
  pageVisits: (uuid: string) => call<PageVisit[]>(ENDPOINTS.conversationPageVisits, at(uuid)),
  orders: (uuid: string) => call<ConversationOrders>(ENDPOINTS.conversationOrders, at(uuid)),
  teams: () => call<TeamCompact[]>(ENDPOINTS.teamsCompact),
  tags: () => call<Tag[]>(ENDPOINTS.tags),
  createTag: (name: string) => call<Tag>(ENDPOINTS.createTag, { body: { name } }),
  attributes: () => call<CustomAttribute[]>(ENDPOINTS.customAttributes),
  ecommerceStatus: () => call<{ enabled: boolean; configured: boolean }>(ENDPOINTS.ecommerceStatus),
};
