import { getConversation, markSeen } from "@helperiq/core/conversation/get";
import { CONVERSATION_ORDER_KEYS, listConversations, type ConversationBucket } from "@helperiq/core/conversation/list";
import { addFollower, listParticipants, removeFollower } from "@helperiq/core/conversation/participants";
import { viewFilters } from "@helperiq/core/conversation/view-filters";
import type { Permission } from "@helperiq/core/role/permissions";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import { publishEffects } from "../effects.ts";
import type { AppEnv } from "../env.ts";
import { agentOf, auth } from "../middleware/auth.ts";
import { ok } from "../middleware/envelope.ts";
import { idParam, pageQuery, validate } from "../validate.ts";

const listQuery = pageQuery(CONVERSATION_ORDER_KEYS, "last_message_at").extend({
  filters: z.string().max(10_000).optional(),
  statuses: z
    .string()
    .max(1000)
    .optional()
    .transform((s) => s?.split(",").map((n) => n.trim()).filter(Boolean)),
});
type ListQuery = z.infer<typeof listQuery>;

const uuidParam = z.object({ uuid: z.uuid("must be a conversation uuid") });
const refParam = z.object({ ref: z.string().regex(/^\d{1,9}$/, "must be a reference number").transform(Number) });
const userIdParam = uuidParam.extend({ user_id: z.string().regex(/^\d{1,9}$/, "must be a user id").transform(Number) });

async function list(c: Context<AppEnv>, bucket: ConversationBucket, q: ListQuery) {
  return ok(
    c,
    await listConversations(ctxOf(c), bucket, {
      page: q.page,
      pageSize: q.page_size,
      orderBy: q.order_by,
      order: q.order,
      filters: q.filters,
      statuses: q.statuses,
    }),
  );
}

/** The fixed buckets of spec §4 and the permission each needs (visibility applies on top). */
const BUCKETS: [string, ConversationBucket["kind"], Permission][] = [
  ["all", "all", "conversations:read_all"],
  ["assigned", "assigned", "conversations:read_assigned"],
  ["unassigned", "unassigned", "conversations:read_unassigned"],
  ["mentioned", "mentioned", "conversations:read"],
  ["spam", "spam", "conversations:read_all"],
  ["trash", "trash", "conversations:read_all"],
];

const app = new Hono<AppEnv>();
for (const [path, kind, permission] of BUCKETS) {
  app.get(`/api/v1/conversations/${path}`, auth(permission), validate("query", listQuery), (c) =>
    list(c, { kind } as ConversationBucket, c.req.valid("query")),
  );
}

/** Conversations (spec §4): lists, reads, followers and read state. Fixed paths come before `:uuid`. */
export const conversationsFamily = app
  .get(
    "/api/v1/teams/:id/conversations/unassigned",
    auth("conversations:read_team_inbox"),
    validate("param", idParam),
    validate("query", listQuery),
    (c) => list(c, { kind: "team_unassigned", teamId: c.req.valid("param").id }, c.req.valid("query")),
  )
  .get("/api/v1/views/:id/conversations", auth("conversations:read"), validate("param", idParam), validate("query", listQuery), async (c) =>
    list(c, { kind: "view", filters: await viewFilters(ctxOf(c), c.req.valid("param").id) }, c.req.valid("query")),
  )
  .get("/api/v1/conversations/by-ref/:ref", auth("conversations:read"), validate("param", refParam), async (c) =>
    ok(c, await getConversation(ctxOf(c), { referenceNumber: c.req.valid("param").ref })),
  )
  .get("/api/v1/conversations/:uuid", auth("conversations:read"), validate("param", uuidParam), async (c) =>
    ok(c, await getConversation(ctxOf(c), c.req.valid("param"))),
  )
  .get("/api/v1/conversations/:uuid/participants", auth("conversations:read"), validate("param", uuidParam), async (c) =>
    ok(c, await listParticipants(ctxOf(c), c.req.valid("param"))),
  )
  .put("/api/v1/conversations/:uuid/last-seen", auth("conversations:read"), validate("param", uuidParam), async (c) => {
    await markSeen(ctxOf(c), c.req.valid("param"));
    return ok(c, true);
  })
  .put("/api/v1/conversations/:uuid/mark-unread", auth("conversations:read"), validate("param", uuidParam), async (c) => {
    await markSeen(ctxOf(c), c.req.valid("param"), true);
    return ok(c, true);
  })
  .post("/api/v1/conversations/:uuid/follow", auth(), validate("param", uuidParam), async (c) => {
    const { participants, messages } = await addFollower(ctxOf(c), c.req.valid("param"), agentOf(c).userId);
    await publishEffects(c, { messages });
    return ok(c, { participants });
  })
  .delete("/api/v1/conversations/:uuid/follow", auth(), validate("param", uuidParam), async (c) =>
    ok(c, await removeFollower(ctxOf(c), c.req.valid("param"), agentOf(c).userId)),
  )
  .post(
    "/api/v1/conversations/:uuid/followers",
    auth("conversations:read"),
    validate("param", uuidParam),
    validate("json", z.object({ user_id: z.number().int().positive() })),
    async (c) => {
      const { participants, messages } = await addFollower(ctxOf(c), c.req.valid("param"), c.req.valid("json").user_id);
      await publishEffects(c, { messages });
      return ok(c, { participants });
    },
  )
  .delete("/api/v1/conversations/:uuid/followers/:user_id", auth("conversations:read"), validate("param", userIdParam), async (c) => {
    const { uuid, user_id } = c.req.valid("param");
    return ok(c, await removeFollower(ctxOf(c), { uuid }, user_id));
  });
