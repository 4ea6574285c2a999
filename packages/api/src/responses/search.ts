import { z } from "zod";
import { contact } from "./contact.ts";
import { conversationListItem } from "./conversation.ts";
import { page } from "./page.ts";
import { int, timestamp } from "./scalars.ts";

/** A conversation that matched, with why (`snippet`, HTML with the match in `<mark>`). */
export const conversationHit = conversationListItem.extend({ snippet: z.string() }).meta({ id: "ConversationHit" });

/** A message that matched (core/search `MessageHit`), with LibreDesk's names too. */
export const messageHit = z
  .object({
    uuid: z.string(),
    conversation_uuid: z.string(),
    reference_number: int,
    subject: z.string(),
    type: z.enum(["incoming", "outgoing"]),
    private: z.boolean(),
    snippet: z.string(),
    created_at: timestamp.nullable(),
    text_content: z.string(),
    conversation_reference_number: int,
    conversation_status: z.string(),
    conversation_created_at: timestamp.nullable(),
  })
  .meta({ id: "MessageHit" });

/** The top hits of each kind; a kind the caller may not read is empty. */
export const unifiedSearchResult = z
  .object({ conversations: z.array(conversationHit), messages: z.array(messageHit), contacts: z.array(contact) })
  .meta({ id: "UnifiedSearchResult" });

/** HelperIQ's page when asked with `q`; LibreDesk's bare array of hits when asked with `query` alone. */
export const hitsAsAsked = <T extends z.ZodType>(hit: T) => z.union([page(hit), z.array(hit)]);
