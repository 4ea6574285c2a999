import { MAX_PAGE_SIZE, type PageResult } from "@helperiq/core/page/index";
import {
  DEFAULT_UNIFIED_LIMIT,
  MAX_UNIFIED_LIMIT,
  searchConversations,
  searchMessages,
  unifiedSearch,
} from "@helperiq/core/search/index";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds } from "../middleware/envelope.ts";
import { conversationHit, hitsAsAsked, messageHit, unifiedSearchResult } from "../responses/search.ts";
import { validate } from "../validate.ts";

const SEARCH_PAGE_SIZE = 20;

// The 2..200 character rule on the trimmed query is core's (`q: at least 2 characters`); this only bounds the input.
// LibreDesk's UI names the query `query`: either name works; `q` wins when both are given.
const terms = { q: z.string().max(1000).optional(), query: z.string().max(1000).optional() };
const page = {
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(SEARCH_PAGE_SIZE),
};

const unifiedQuery = z.object({
  ...terms,
  limit: z.coerce.number().int().min(1).max(MAX_UNIFIED_LIMIT).default(DEFAULT_UNIFIED_LIMIT),
});
const conversationQuery = z.object({ ...terms, ...page, filters: z.string().max(10_000).optional() });
const messageQuery = z.object({
  ...terms,
  ...page,
  conversation_uuid: z.uuid("must be a conversation uuid").optional(),
});

/** The search text, whichever name carried it. */
export const searchText = (t: { q?: string | undefined; query?: string | undefined }) => t.q ?? t.query ?? "";

/**
 * A search asked LibreDesk's way (`query`, no `q`) gets LibreDesk's answer: the hits as a bare array
 * (its UI counts and lists `data` itself); asked with `q` it gets HelperIQ's page.
 */
const asAsked = <T>(t: { q?: string | undefined; query?: string | undefined }, page: PageResult<T>) =>
  t.q === undefined && t.query !== undefined ? page.results : page;

/**
 * Search. Mounted before the conversations family: `/api/v1/conversations/search` would otherwise
 * be taken for a conversation uuid.
 */
export const searchFamily = new Hono<AppEnv>()
  .get(
    "/api/v1/search",
    auth("conversations:read"),
    validate("query", unifiedQuery),
    responds(unifiedSearchResult),
    async (c) => {
      const query = c.req.valid("query");
      return ok(c, await unifiedSearch(ctxOf(c), searchText(query), query.limit));
    },
  )
  .get(
    "/api/v1/conversations/search",
    auth("conversations:read"),
    validate("query", conversationQuery),
    responds(hitsAsAsked(conversationHit)),
    async (c) => {
      const query = c.req.valid("query");
      const hits = await searchConversations(ctxOf(c), {
        q: searchText(query),
        page: query.page,
        pageSize: query.page_size,
        filters: query.filters,
      });
      return ok(c, asAsked(query, hits));
    },
  )
  .get(
    "/api/v1/messages/search",
    auth("messages:read"),
    validate("query", messageQuery),
    responds(hitsAsAsked(messageHit)),
    async (c) => {
      const query = c.req.valid("query");
      const hits = await searchMessages(ctxOf(c), {
        q: searchText(query),
        page: query.page,
        pageSize: query.page_size,
        conversationUuid: query.conversation_uuid,
      });
      return ok(c, asAsked(query, hits));
    },
  );
