import { MAX_PAGE_SIZE } from "@helperiq/core/page/index";
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
import { ok } from "../middleware/envelope.ts";
import { validate } from "../validate.ts";

const SEARCH_PAGE_SIZE = 20;

// The 2..200 character rule on the trimmed query is core's (`q: at least 2 characters`); this only bounds the input.
const q = z.string().max(1000).default("");
const page = {
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(SEARCH_PAGE_SIZE),
};

const unifiedQuery = z.object({ q, limit: z.coerce.number().int().min(1).max(MAX_UNIFIED_LIMIT).default(DEFAULT_UNIFIED_LIMIT) });
const conversationQuery = z.object({ q, ...page, filters: z.string().max(10_000).optional() });
const messageQuery = z.object({ q, ...page, conversation_uuid: z.uuid("must be a conversation uuid").optional() });


/**
 * Search (spec §4). Mounted before the conversations family: `/api/v1/conversations/search` would otherwise
 * be taken for a conversation uuid.
 */
export const searchFamily = new Hono<AppEnv>()
  .get("/api/v1/search", auth("conversations:read"), validate("query", unifiedQuery), async (c) => {
    const { q, limit } = c.req.valid("query");
    return ok(c, await unifiedSearch(ctxOf(c), q, limit));
  })
  .get("/api/v1/conversations/search", auth("conversations:read"), validate("query", conversationQuery), async (c) => {
    const query = c.req.valid("query");
    return ok(c, await searchConversations(ctxOf(c), { q: query.q, page: query.page, pageSize: query.page_size, filters: query.filters }));
  })
  .get("/api/v1/messages/search", auth("messages:read"), validate("query", messageQuery), async (c) => {
    const query = c.req.valid("query");
    return ok(
      c,
      await searchMessages(ctxOf(c), {
        q: query.q,
        page: query.page,
        pageSize: query.page_size,
        conversationUuid: query.conversation_uuid,
      }),
    );
  });
