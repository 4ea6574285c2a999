import { call } from "./client.ts";
import type { Contact } from "./contacts.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { ConversationRow } from "./types.ts";

/** The API's rule for `q` (core/search/query.ts): at least this many characters once trimmed. */
export const MIN_SEARCH_LENGTH = 2;
export const MAX_SEARCH_LENGTH = 200;

/** `snippet`: HTML in which only `<mark>` is markup, everything else escaped (see features/search/snippet.ts). */
export type ConversationHit = ConversationRow & { snippet: string };

export type MessageHit = {
  uuid: string;
  conversation_uuid: string;
  reference_number: number;
  subject: string;
  type: "incoming" | "outgoing";
  private: boolean;
  snippet: string;
  created_at: string | null;
};

export type UnifiedSearch = { conversations: ConversationHit[]; messages: MessageHit[]; contacts: Contact[] };

export const searchApi = {
  /** `GET /api/v1/search`: the top `limit` hits of each kind the agent may read. */
  unified: (q: string, limit: number, signal?: AbortSignal) =>
    call<UnifiedSearch>(ENDPOINTS.search, { query: { q, limit }, signal }),
};
