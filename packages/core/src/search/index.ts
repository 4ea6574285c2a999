import type { Ctx } from "../context/index.ts";
import { can } from "../context/index.ts";
import { searchContacts } from "../contact/search.ts";
import type { ContactView } from "../contact/view.ts";
import { topConversations, type ConversationHit } from "./conversations.ts";
import { isCommonQuery, topMessages, type MessageHit } from "./messages.ts";
import { parseQuery } from "./query.ts";

/** Search: conversations, messages and contacts, each hit with a safe `<mark>` snippet. */
export { searchConversations, type ConversationHit, type ConversationSearch } from "./conversations.ts";
export { searchMessages, type MessageHit, type MessageSearch } from "./messages.ts";
export { MAX_QUERY_LENGTH, MIN_QUERY_LENGTH } from "./query.ts";

export const DEFAULT_UNIFIED_LIMIT = 10;
export const MAX_UNIFIED_LIMIT = 50;

export type UnifiedResult = { conversations: ConversationHit[]; messages: MessageHit[]; contacts: ContactView[] };

/**
 * `GET /api/v1/search`: the top `limit` of each category. Messages need messages:read and contacts
 * contacts:read (the contact search itself, capped at its own maximum); without them a category is empty.
 */
export async function unifiedSearch(ctx: Ctx, raw: string, limit = DEFAULT_UNIFIED_LIMIT): Promise<UnifiedResult> {
  const q = parseQuery(raw);
  const common = await isCommonQuery(ctx, q);
  const [conversations, messages, contacts] = await Promise.all([
    topConversations(ctx, q, limit, common),
    can(ctx.actor, "messages:read") ? topMessages(ctx, q, limit, common) : [],
    can(ctx.actor, "contacts:read") ? searchContacts(ctx, q.text) : [],
  ]);
  return { conversations, messages, contacts: contacts.slice(0, limit) };
}
