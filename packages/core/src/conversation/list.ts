import { and, asc, desc, eq, inArray, notInArray, sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { InputError } from "../errors/index.ts";
import { compileFilters, type FilterFields } from "../filter/index.ts";
import { offsetOf, pageResult, type PageRequest, type PageResult } from "../page/index.ts";
import { priorities, statuses } from "../status/status.sql.ts";
import { tags } from "../tag/tag.sql.ts";
import { users } from "../user/user.sql.ts";
import { conversationReads, conversations, conversationTags } from "./conversation.sql.ts";
import { messages } from "../message/message.sql.ts";

const c = conversations;

/** `order_by` allow-list of conversation lists (spec §4), wire name → column. */
export const CONVERSATION_ORDER = {
  status_id: c.statusId,
  priority_id: c.priorityId,
  assigned_team_id: c.assignedTeamId,
  assigned_user_id: c.assignedUserId,
  inbox_id: c.inboxId,
  last_message_at: c.lastMessageAt,
  last_interaction_at: c.lastInteractionAt,
  created_at: c.createdAt,
  waiting_since: c.waitingSince,
  next_sla_deadline_at: c.nextSlaDeadlineAt,
  closed_at: c.closedAt,
  resolved_at: c.resolvedAt,
} as const;
export type ConversationOrder = keyof typeof CONVERSATION_ORDER;
export const CONVERSATION_ORDER_KEYS = Object.keys(CONVERSATION_ORDER) as [ConversationOrder, ...ConversationOrder[]];

const hasTag = (names: string[]) =>
  sql`EXISTS (SELECT 1 FROM ${conversationTags} JOIN ${tags} ON ${tags.id} = ${conversationTags.tagId}
    WHERE ${conversationTags.conversationId} = ${c.id} AND lower(${tags.name}) IN (${sql.join(
      names.map((n) => sql`lower(${n})`),
      sql`, `,
    )}))`;

/** Filterable conversation fields (spec §1), plus `custom_attributes.<key>`. */
export const CONVERSATION_FILTERS: FilterFields = {
  status_id: { type: "number", expr: c.statusId },
  priority_id: { type: "number", expr: c.priorityId },
  assigned_user_id: { type: "number", expr: c.assignedUserId },
  assigned_team_id: { type: "number", expr: c.assignedTeamId },
  inbox_id: { type: "number", expr: c.inboxId },
  reference_number: { type: "number", expr: c.referenceNumber },
  subject: { type: "text", expr: c.subject },
  created_at: { type: "date", expr: c.createdAt },
  last_message_at: { type: "date", expr: c.lastMessageAt },
  waiting_since: { type: "date", expr: c.waitingSince },
  resolved_at: { type: "date", expr: c.resolvedAt },
  closed_at: { type: "date", expr: c.closedAt },
  tags: {
    type: "set",
    has: hasTag,
    any: sql`EXISTS (SELECT 1 FROM ${conversationTags} WHERE ${conversationTags.conversationId} = ${c.id})`,
  },
};

export type ConversationListQuery = PageRequest & {
  orderBy: ConversationOrder;
  order: "asc" | "desc";
  filters?: unknown;
  /** Status names (the `statuses` query parameter). */
  statuses?: string[];
};

/** Buckets hidden from every list but their own. */
const HIDDEN_STATUSES = ["Spam", "Trashed"] as const;

/**
 * The `all` list: every conversation of the workspace except spam and trash, filtered, sorted and
 * paginated. Only for callers holding conversations:read_all (checked by the route).
 */
export async function listAllConversations(ctx: Ctx, q: ConversationListQuery): Promise<PageResult<ConversationListRow>> {
  const where = and(
    eq(c.tenantId, ctx.tenantId),
    notInArray(statuses.systemKey, [...HIDDEN_STATUSES]),
    await statusNames(ctx, q.statuses),
    compileFilters(q.filters, CONVERSATION_FILTERS, { customAttributes: c.customAttributes }),
  );
  const userId = ctx.actor.type === "agent" ? ctx.actor.userId : 0;
  const dir = q.order === "asc" ? asc : desc;
  const sortColumn = CONVERSATION_ORDER[q.orderBy];
  const [rows, [count]] = await Promise.all([
    ctx.db
      .select(listColumns(userId))
      .from(c)
      .innerJoin(statuses, eq(statuses.id, c.statusId))
      .innerJoin(users, eq(users.id, c.contactId))
      .leftJoin(priorities, eq(priorities.id, c.priorityId))
      .where(where)
      .orderBy(sql`${dir(sortColumn)} NULLS LAST`, dir(c.id))
      .limit(q.pageSize)
      .offset(offsetOf(q)),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(c).innerJoin(statuses, eq(statuses.id, c.statusId)).where(where),
  ]);
  const results = rows.map((r) => ({
    uuid: r.uuid,
    reference_number: r.referenceNumber,
    subject: r.subject,
    status: r.status,
    priority: r.priority,
    assigned_user_id: r.assignedUserId,
    assigned_team_id: r.assignedTeamId,
    inbox_id: r.inboxId,
    contact: { first_name: r.contactFirstName, last_name: r.contactLastName, email: r.contactEmail },
    last_message_at: iso(r.lastMessageAt),
    last_message: r.lastMessage,
    waiting_since: iso(r.waitingSince),
    created_at: iso(r.createdAt),
    tags: r.tags,
    unread_count: Number(r.unreadCount),
  }));
  return pageResult(results, count!.n, q);
}

async function statusNames(ctx: Ctx, names: string[] | undefined): Promise<SQL | undefined> {
  if (!names?.length) return undefined;
  const found = await ctx.db
    .select({ id: statuses.id, name: statuses.name })
    .from(statuses)
    .where(and(eq(statuses.tenantId, ctx.tenantId), inArray(statuses.name, names)));
  const unknown = names.filter((n) => !found.some((s) => s.name === n));
  if (unknown.length) throw new InputError(`statuses: unknown status "${unknown[0]}"`);
  return inArray(c.statusId, found.map((s) => s.id));
}

function listColumns(userId: number) {
  return {
    uuid: c.uuid,
    referenceNumber: c.referenceNumber,
    subject: c.subject,
    status: statuses.name,
    priority: priorities.name,
    assignedUserId: c.assignedUserId,
    assignedTeamId: c.assignedTeamId,
    inboxId: c.inboxId,
    contactFirstName: users.firstName,
    contactLastName: users.lastName,
    contactEmail: users.email,
    lastMessageAt: c.lastMessageAt,
    lastMessage: c.lastMessage,
    waitingSince: c.waitingSince,
    createdAt: c.createdAt,
    tags: sql<string[]>`ARRAY(SELECT ${tags.name} FROM ${conversationTags} JOIN ${tags} ON ${tags.id} = ${conversationTags.tagId}
      WHERE ${conversationTags.conversationId} = ${c.id} ORDER BY ${tags.name})`,
    // Incoming messages since this agent last looked; a conversation marked unread counts at least 1.
    unreadCount: sql<number>`(SELECT CASE WHEN r.marked_unread THEN greatest(1, n) ELSE n END FROM (
        SELECT count(*)::int AS n FROM ${messages} m WHERE m.conversation_id = ${c.id} AND m.type = 'incoming'
          AND m.created_at > coalesce((SELECT last_seen_at FROM ${conversationReads}
            WHERE conversation_id = ${c.id} AND user_id = ${userId}), '-infinity')
      ) counted LEFT JOIN ${conversationReads} r ON r.conversation_id = ${c.id} AND r.user_id = ${userId})`,
  };
}

export type ConversationListRow = {
  uuid: string;
  reference_number: number;
  subject: string;
  status: string;
  priority: string | null;
  assigned_user_id: number | null;
  assigned_team_id: number | null;
  inbox_id: number;
  contact: { first_name: string; last_name: string; email: string | null };
  last_message_at: string | null;
  last_message: string;
  waiting_since: string | null;
  created_at: string | null;
  tags: string[];
  unread_count: number;
};
