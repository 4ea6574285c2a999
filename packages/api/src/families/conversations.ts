import { createConversation } from "@helperiq/core/conversation/create";
import { conversationFilterFields } from "@helperiq/core/filter-fields/index";
import { getConversation, markSeen } from "@helperiq/core/conversation/get";
import { CONVERSATION_ORDER_KEYS, listConversations, type ConversationBucket } from "@helperiq/core/conversation/list";
import { addFollower, listParticipants, removeFollower } from "@helperiq/core/conversation/participants";
import { assignTeam, assignUser } from "@helperiq/core/conversation/assign";
import { setContactAttributes, setConversationAttributes } from "@helperiq/core/conversation/attributes";
import { deleteDraft, listDrafts, MAX_DRAFT_LENGTH, saveDraft } from "@helperiq/core/conversation/drafts";
import { setContact, setPriority, setSubject } from "@helperiq/core/conversation/fields";
import { applyMacro } from "@helperiq/core/conversation/macro-apply";
import { mergeConversations } from "@helperiq/core/conversation/merge";
import { listPageVisits } from "@helperiq/core/conversation/page-visits";
import { setStatus } from "@helperiq/core/conversation/status";
import { setTags } from "@helperiq/core/conversation/tags";
import { deleteConversation, moveConversation, type BucketMove } from "@helperiq/core/conversation/trash";
import { viewFilters } from "@helperiq/core/view/filters";
import type { Permission } from "@helperiq/core/role/permissions";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { ctxOf } from "../context.ts";
import type { AppEnv } from "../env.ts";
import { agentOf, auth } from "../middleware/auth.ts";
import { ok, responds, type Responding } from "../middleware/envelope.ts";
import {
  conversationDetail,
  conversationPage,
  draft,
  pageVisit,
  participant,
  participants,
} from "../responses/conversation.ts";
import { conversationFilterFields as filterFieldsAnswer } from "../responses/filter-fields.ts";
import { done } from "../responses/scalars.ts";
import { newConversationBody } from "./messages.ts";
import { idNumber, idParam, pageQuery, validate } from "../validate.ts";

const listQuery = pageQuery(CONVERSATION_ORDER_KEYS, "last_message_at", "conversations").extend({
  filters: z.string().max(10_000).optional(),
  statuses: z
    .string()
    .max(1000)
    .optional()
    .transform((s) =>
      s
        ?.split(",")
        .map((n) => n.trim())
        .filter(Boolean),
    ),
});
type ListQuery = z.infer<typeof listQuery>;

const uuidParam = z.object({ uuid: z.uuid("must be a conversation uuid") });
const refParam = z.object({
  ref: z
    .string()
    .regex(/^\d{1,9}$/, "must be a reference number")
    .transform(Number),
});
const userIdParam = uuidParam.extend({
  user_id: z
    .string()
    .regex(/^\d{1,9}$/, "must be a user id")
    .transform(Number),
});

const nameOrId = z.union([z.string().trim().min(1).max(100), idNumber]);
const assigneeBody = z.object({ assignee_id: idNumber });
const addresses = z.array(z.string().max(320)).max(50).optional();
const draftBody = z.object({
  content: z.string().max(MAX_DRAFT_LENGTH),
  private: z.boolean().optional(),
  is_forward: z.boolean().optional(),
  to: addresses,
  cc: addresses,
  bcc: addresses,
  mentions: z.array(idNumber).max(50).optional(),
  macro_id: idNumber.nullable().optional(),
});
const macroParam = uuidParam.extend({
  id: z
    .string()
    .regex(/^\d{1,9}$/, "must be a macro id")
    .transform(Number),
});
const attributesBody = z
  .record(z.string().max(100), z.unknown())
  .refine((v) => Object.keys(v).length <= 100, "at most 100 attributes");
const BUCKET_MOVES: BucketMove[] = ["trash", "restore", "spam", "not-spam"];

async function list(
  c: Context<AppEnv, string, Responding<z.output<typeof conversationPage>>>,
  bucket: ConversationBucket,
  q: ListQuery,
) {
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

/** The fixed list buckets and the permission each needs (visibility applies on top). */
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
  app.get(
    `/api/v1/conversations/${path}`,
    auth(permission),
    validate("query", listQuery),
    responds(conversationPage),
    (c) => list(c, { kind } as ConversationBucket, c.req.valid("query")),
  );
}

/** A change (its effects published by the operation once committed); LibreDesk answers these updates with `true`. */
async function changed(c: Context<AppEnv, string, Responding<true>>, change: Promise<unknown>) {
  await change;
  return ok(c, true);
}

for (const move of BUCKET_MOVES) {
  app.put(
    `/api/v1/conversations/:uuid/${move}`,
    auth("conversations:update_status"),
    validate("param", uuidParam),
    responds(done),
    async (c) => changed(c, moveConversation(ctxOf(c), c.req.valid("param"), move)),
  );
}

/** Conversations: lists, reads, changes, followers, drafts and read state. Fixed paths come before `:uuid`. */
export const conversationsFamily = app
  .post(
    "/api/v1/conversations",
    auth("conversations:write"),
    validate("json", newConversationBody),
    responds(conversationDetail, 201),
    async (c) => {
      return ok(c, await createConversation(ctxOf(c), c.req.valid("json")), 201);
    },
  )
  .get(
    "/api/v1/teams/:id/conversations/unassigned",
    auth("conversations:read_team_inbox"),
    validate("param", idParam),
    validate("query", listQuery),
    responds(conversationPage),
    (c) => list(c, { kind: "team_unassigned", teamId: c.req.valid("param").id }, c.req.valid("query")),
  )
  .get(
    "/api/v1/views/:id/conversations",
    auth("conversations:read"),
    validate("param", idParam),
    validate("query", listQuery),
    responds(conversationPage),
    async (c) =>
      list(c, { kind: "view", filters: await viewFilters(ctxOf(c), c.req.valid("param").id) }, c.req.valid("query")),
  )
  // HelperIQ's: the fields, operators and sort keys the lists above take, for a client's filter builder.
  .get("/api/v1/conversations/filter-fields", auth("conversations:read"), responds(filterFieldsAnswer), async (c) =>
    ok(c, await conversationFilterFields(ctxOf(c))),
  )
  .get(
    "/api/v1/conversations/by-ref/:ref",
    auth("conversations:read"),
    validate("param", refParam),
    responds(conversationDetail),
    async (c) => ok(c, await getConversation(ctxOf(c), { referenceNumber: c.req.valid("param").ref })),
  )
  .post(
    "/api/v1/conversations/merge",
    auth("conversations:update_status"),
    validate("json", z.object({ source_uuid: z.uuid(), target_uuid: z.uuid() })),
    responds(done),
    async (c) => changed(c, mergeConversations(ctxOf(c), c.req.valid("json"))),
  )
  .get("/api/v1/drafts", auth(), responds(z.array(draft)), async (c) => ok(c, await listDrafts(ctxOf(c))))
  .get(
    "/api/v1/conversations/:uuid",
    auth("conversations:read"),
    validate("param", uuidParam),
    responds(conversationDetail),
    async (c) => ok(c, await getConversation(ctxOf(c), c.req.valid("param"))),
  )
  .get(
    "/api/v1/conversations/:uuid/participants",
    auth("conversations:read"),
    validate("param", uuidParam),
    responds(z.array(participant)),
    async (c) => ok(c, await listParticipants(ctxOf(c), c.req.valid("param"))),
  )
  .put(
    "/api/v1/conversations/:uuid/last-seen",
    auth("conversations:read"),
    validate("param", uuidParam),
    responds(done),
    async (c) => {
      await markSeen(ctxOf(c), c.req.valid("param"));
      return ok(c, true);
    },
  )
  .put(
    "/api/v1/conversations/:uuid/mark-unread",
    auth("conversations:read"),
    validate("param", uuidParam),
    responds(done),
    async (c) => {
      await markSeen(ctxOf(c), c.req.valid("param"), true);
      return ok(c, true);
    },
  )
  .post(
    "/api/v1/conversations/:uuid/follow",
    auth(),
    validate("param", uuidParam),
    responds(participants),
    async (c) => {
      return ok(c, await addFollower(ctxOf(c), c.req.valid("param"), agentOf(c).userId));
    },
  )
  .delete(
    "/api/v1/conversations/:uuid/follow",
    auth(),
    validate("param", uuidParam),
    responds(participants),
    async (c) => ok(c, await removeFollower(ctxOf(c), c.req.valid("param"), agentOf(c).userId)),
  )
  .post(
    "/api/v1/conversations/:uuid/followers",
    auth("conversations:read"),
    validate("param", uuidParam),
    validate("json", z.object({ user_id: idNumber })),
    responds(participants),
    async (c) => {
      return ok(c, await addFollower(ctxOf(c), c.req.valid("param"), c.req.valid("json").user_id));
    },
  )
  .delete(
    "/api/v1/conversations/:uuid/followers/:user_id",
    auth("conversations:read"),
    validate("param", userIdParam),
    responds(participants),
    async (c) => {
      const { uuid, user_id } = c.req.valid("param");
      return ok(c, await removeFollower(ctxOf(c), { uuid }, user_id));
    },
  )
  .put(
    "/api/v1/conversations/:uuid/status",
    auth("conversations:update_status"),
    validate("param", uuidParam),
    validate("json", z.object({ status: nameOrId, snoozed_until: z.string().max(20).optional() })),
    responds(done),
    async (c) => changed(c, setStatus(ctxOf(c), c.req.valid("param"), c.req.valid("json"))),
  )
  .put(
    "/api/v1/conversations/:uuid/priority",
    auth("conversations:update_priority"),
    validate("param", uuidParam),
    validate("json", z.object({ priority: nameOrId.nullable() })),
    responds(done),
    async (c) => changed(c, setPriority(ctxOf(c), c.req.valid("param"), c.req.valid("json").priority)),
  )
  .put(
    "/api/v1/conversations/:uuid/subject",
    auth("conversations:update_status"),
    validate("param", uuidParam),
    validate("json", z.object({ subject: z.string().trim().min(1).max(500) })),
    responds(done),
    async (c) => changed(c, setSubject(ctxOf(c), c.req.valid("param"), c.req.valid("json").subject)),
  )
  .put(
    "/api/v1/conversations/:uuid/contact",
    auth("conversations:update_status"),
    validate("param", uuidParam),
    validate("json", z.object({ contact_id: idNumber })),
    responds(done),
    async (c) => changed(c, setContact(ctxOf(c), c.req.valid("param"), c.req.valid("json").contact_id)),
  )
  .post(
    "/api/v1/conversations/:uuid/tags",
    auth("conversations:update_tags"),
    validate("param", uuidParam),
    validate("json", z.object({ tags: z.array(z.string().max(64)).max(50) })),
    responds(done),
    async (c) => changed(c, setTags(ctxOf(c), c.req.valid("param"), c.req.valid("json").tags)),
  )
  // LibreDesk sends the attributes object itself as the body: `{"plan": "pro", "old_key": null}`.
  .put(
    "/api/v1/conversations/:uuid/custom-attributes",
    auth(),
    validate("param", uuidParam),
    validate("json", attributesBody),
    responds(done),
    async (c) => changed(c, setConversationAttributes(ctxOf(c), c.req.valid("param"), c.req.valid("json"))),
  )
  .put(
    "/api/v1/conversations/:uuid/contacts/custom-attributes",
    auth(),
    validate("param", uuidParam),
    validate("json", attributesBody),
    responds(done),
    async (c) => changed(c, setContactAttributes(ctxOf(c), c.req.valid("param"), c.req.valid("json"))),
  )
  .put(
    "/api/v1/conversations/:uuid/assignee/user",
    auth("conversations:update_user_assignee"),
    validate("param", uuidParam),
    validate("json", assigneeBody),
    responds(done),
    async (c) => changed(c, assignUser(ctxOf(c), c.req.valid("param"), c.req.valid("json").assignee_id)),
  )
  .put(
    "/api/v1/conversations/:uuid/assignee/team",
    auth("conversations:update_team_assignee"),
    validate("param", uuidParam),
    validate("json", assigneeBody),
    responds(done),
    async (c) => changed(c, assignTeam(ctxOf(c), c.req.valid("param"), c.req.valid("json").assignee_id)),
  )
  .put(
    "/api/v1/conversations/:uuid/assignee/user/remove",
    auth("conversations:update_user_assignee"),
    validate("param", uuidParam),
    responds(done),
    async (c) => changed(c, assignUser(ctxOf(c), c.req.valid("param"), null)),
  )
  .put(
    "/api/v1/conversations/:uuid/assignee/team/remove",
    auth("conversations:update_team_assignee"),
    validate("param", uuidParam),
    responds(done),
    async (c) => changed(c, assignTeam(ctxOf(c), c.req.valid("param"), null)),
  )
  .delete(
    "/api/v1/conversations/:uuid",
    auth("conversations:update_status"),
    validate("param", uuidParam),
    responds(done),
    async (c) => {
      await deleteConversation(ctxOf(c), c.req.valid("param"));
      return ok(c, true);
    },
  )
  .get(
    "/api/v1/conversations/:uuid/page-visits",
    auth("conversations:read"),
    validate("param", uuidParam),
    responds(z.array(pageVisit)),
    async (c) => ok(c, await listPageVisits(ctxOf(c), c.req.valid("param"))),
  )
  .post(
    "/api/v1/conversations/:uuid/draft",
    auth(),
    validate("param", uuidParam),
    validate("json", draftBody),
    responds(draft),
    async (c) => ok(c, await saveDraft(ctxOf(c), c.req.valid("param"), c.req.valid("json"))),
  )
  .delete("/api/v1/conversations/:uuid/draft", auth(), validate("param", uuidParam), responds(done), async (c) => {
    await deleteDraft(ctxOf(c), c.req.valid("param"));
    return ok(c, true);
  })
  .post(
    "/api/v1/conversations/:uuid/macros/:id/apply",
    auth(),
    validate("param", macroParam),
    responds(conversationDetail),
    async (c) => {
      const { uuid, id } = c.req.valid("param");
      return ok(c, await applyMacro(ctxOf(c), { uuid }, id));
    },
  );
