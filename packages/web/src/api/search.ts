import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Data } from "./types.ts";

/** The API's rule for `q` (core/search/query.ts): at least this many characters once trimmed. */
export const MIN_SEARCH_LENGTH = 2;
export const MAX_SEARCH_LENGTH = 200;

export type UnifiedSearch = Data<"GET", "/api/v1/search">;
/** `snippet`: HTML in which only `<mark>` is markup, everything else escaped (see features/search/snippet.ts). */
export type ConversationHit = UnifiedSearch["conversations"][number];
export type MessageHit = UnifiedSearch["messages"][number];

export const searchApi = {
  /** `GET /api/v1/search`: the top `limit` hits of each kind the agent may read. */
  unified: (q: string, limit: number, signal?: AbortSignal) =>
    call<UnifiedSearch>(ENDPOINTS.search, { query: { q, limit }, signal }),
};
