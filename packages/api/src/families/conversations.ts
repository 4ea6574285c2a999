import { CONVERSATION_ORDER_KEYS, listAllConversations } from "@helperiq/core/conversation/list";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok } from "../middleware/envelope.ts";
import { pageQuery, validate } from "../validate.ts";

const listQuery = pageQuery(CONVERSATION_ORDER_KEYS, "last_message_at").extend({
  filters: z.string().max(10_000).optional(),
  statuses: z
    .string()
    .max(1000)
    .optional()
    .transform((s) => s?.split(",").map((n) => n.trim()).filter(Boolean)),
});

/** Conversation lists (spec §4 "Conversations"); the other buckets and actions arrive with the conversations issue. */
export const conversationsFamily = new Hono<AppEnv>().get(
  "/api/v1/conversations/all",
  auth("conversations:read_all"),
  validate("query", listQuery),
  async (c) => {
    const q = c.req.valid("query");
    return ok(
      c,
      await listAllConversations(ctxOf(c), {
        page: q.page,
        pageSize: q.page_size,
        orderBy: q.order_by,
        order: q.order,
        filters: q.filters,
        statuses: q.statuses,
      }),
    );
  },
);
