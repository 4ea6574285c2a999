import { and, asc, desc, eq, inArray, isNull, notInArray, sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { compileFilters } from "../filter/index.ts";
import { CONVERSATION_FILTER_OPTIONS, CONVERSATION_FILTERS } from "./filters.ts";
import { offsetOf, pageResult, type PageRequest, type PageResult } from "../page/index.ts";
import { priorities, statuses } from "../status/status.sql.ts";
import { tags } from "../tag/tag.sql.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { teams } from "../team/team.sql.ts";
import { users } from "../user/user.sql.ts";
import {
  conversationParticipants,
  conversationReads,
  conversations,
  conversationTags,
  drafts,
} from "./conversation.sql.ts";
import { visibleTo } from "./visibility.ts";
import { messages } from "./message.sql.ts";

const c = conversations;

/** `order_by` allow-list of conversation lists, wire name → column. */
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

export type ConversationListQuery = PageRequest & {
  orderBy: ConversationOrder;
  order: "asc" | "desc";
  filters?: unknown;
  /** Status names (the `statuses` query parameter). */
  statuses?: string[];
};

/** Buckets hidden from every list but their own. */
const HIDDEN_STATUSES = ["Spam", "Trashed"] as const;

/** Which list: a fixed bucket (all, assigned, …), a team's unassigned queue, a saved view or a contact's. */
export type ConversationBucket =
  | { kind: "all" | "assigned" | "unassigned" | "mentioned" | "spam" | "trash" }
  | { kind: "team_unassigned"; teamId: number }
  | { kind: "view"; filters: unknown }
  | { kind: "contact"; contactId: number };

function bucketCondition(ctx: Ctx, bucket: ConversationBucket): SQL | undefined {
  const me = ctx.actor.type === "agent" ? ctx.actor.userId : 0;
  const shown = notInArray(statuses.systemKey, [...HIDDEN_STATUSES]);
  switch (bucket.kind) {
    case "all":
      return shown;
    case "assigned":
      return and(shown, eq(c.assignedUserId, me));
    case "unassigned":
      return and(shown, isNull(c.assignedUserId), isNull(c.assignedTeamId));
    case "mentioned":
      return and(
        shown,
        sql`EXISTS (SELECT 1 FROM ${conversationParticipants} p
          WHERE p.conversation_id = ${c.id} AND p.user_id = ${me} AND p.kind = 'mentioned')`,
      );
    case "spam":
      return eq(statuses.systemKey, "Spam");
    case "trash":
      return eq(statuses.systemKey, "Trashed");
    case "team_unassigned":
      return and(shown, eq(c.assignedTeamId, bucket.teamId), isNull(c.assignedUserId));
    case "view":
      return and(shown, compileFilters(bucket.filters, CONVERSATION_FILTERS, CONVERSATION_FILTER_OPTIONS));
    case "contact":
      return and(shown, eq(c.contactId, bucket.contactId));
  }
}

/**
 * A conversation list: the bucket's condition, the caller's visibility (visibility.ts), the `statuses` names and
 * `filters` of the query, sorted by an allow-listed column and paginated. Route permissions come on top.
 */
export async function listConversations(
  ctx: Ctx,
  bucket: ConversationBucket,
  q: ConversationListQuery,
): Promise<PageResult<ConversationListRow>> {
  if (bucket.kind === "team_unassigned") await teamOfWorkspace(ctx, bucket.teamId);
  const where = and(
    eq(c.tenantId, ctx.tenantId),
    bucketCondition(ctx, bucket),
    visibleTo(ctx.actor),
    await statusNames(ctx, q.statuses),
    compileFilters(q.filters, CONVERSATION_FILTERS, CONVERSATION_FILTER_OPTIONS),
  );
  const dir = q.order === "asc" ? asc : desc;
  const sortColumn = CONVERSATION_ORDER[q.orderBy];
  const [rows, [count]] = await Promise.all([
    selectConversationRows(ctx)
      .where(where)
      .orderBy(sql`${dir(sortColumn)} NULLS LAST`, dir(c.id))
      .limit(q.pageSize)
      .offset(offsetOf(q)),
    ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(c)
      .innerJoin(statuses, eq(statuses.id, c.statusId))
      .where(where),
  ]);
  return pageResult(rows.map(listRow), count!.n, q);
}

async function teamOfWorkspace(ctx: Ctx, teamId: number) {
  const [team] = await ctx.db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.id, teamId), eq(teams.tenantId, ctx.tenantId)));
  if (!team) throw new NotFoundError("Team");
}

async function statusNames(ctx: Ctx, names: string[] | undefined): Promise<SQL | undefined> {
  if (!names?.length) return undefined;
  const found = await ctx.db
    .select({ id: statuses.id, name: statuses.name })
    .from(statuses)
    .where(and(eq(statuses.tenantId, ctx.tenantId), inArray(statuses.name, names)));
  const unknown = names.filter((n) => !found.some((s) => s.name === n));
  if (unknown.length) throw new InputError(`statuses: unknown status "${unknown[0]}"`);
  return inArray(
    c.statusId,
    found.map((s) => s.id),
  );
}

/**
 * The columns every list and the detail view select: the API's conversation list row, plus what
 * LibreDesk's list shows (inbox name, last sender, draft marker, SLA deadlines; HelperIQ keeps no SLA
 * policies yet, so those are null).
 */
function listColumns(userId: number) {
  return {
    id: c.id,
    uuid: c.uuid,
    referenceNumber: c.referenceNumber,
    subject: c.subject,
    status: statuses.name,
    statusId: c.statusId,
    priority: priorities.name,
    priorityId: c.priorityId,
    assignedUserId: c.assignedUserId,
    assignedTeamId: c.assignedTeamId,
    inboxId: c.inboxId,
    inboxName: inboxes.name,
    inboxChannel: inboxes.channel,
    contactId: users.id,
    contactFirstName: users.firstName,
    contactLastName: users.lastName,
    contactEmail: users.email,
    contactAvatarUrl: users.avatarUrl,
    lastMessageAt: c.lastMessageAt,
    lastMessage: c.lastMessage,
    lastMessageSender: c.lastMessageSenderType,
    waitingSince: c.waitingSince,
    firstReplyAt: c.firstReplyAt,
    resolvedAt: c.resolvedAt,
    nextSlaDeadlineAt: c.nextSlaDeadlineAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    hasDraft: sql<boolean>`EXISTS (SELECT 1 FROM ${drafts} WHERE ${drafts.conversationId} = ${c.id} AND ${drafts.userId} = ${userId})`,
    tags: sql<
      string[]
    >`ARRAY(SELECT ${tags.name} FROM ${conversationTags} JOIN ${tags} ON ${tags.id} = ${conversationTags.tagId}
      WHERE ${conversationTags.conversationId} = ${c.id} ORDER BY ${tags.name})`,
    // Incoming messages since this agent last looked; a conversation marked unread counts at least 1.
    unreadCount: sql<number>`(SELECT CASE WHEN r.marked_unread THEN greatest(1, n) ELSE n END FROM (
        SELECT count(*)::int AS n FROM ${messages} m WHERE m.conversation_id = ${c.id} AND m.type = 'incoming'
          AND m.created_at > coalesce((SELECT last_seen_at FROM ${conversationReads}
            WHERE conversation_id = ${c.id} AND user_id = ${userId}), '-infinity')
      ) counted LEFT JOIN ${conversationReads} r ON r.conversation_id = ${c.id} AND r.user_id = ${userId})`,
  };
}

/** Conversations with their status, priority and contact joined, selecting the list row columns. */
export function selectConversationRows(ctx: Ctx) {
  const userId = ctx.actor.type === "agent" ? ctx.actor.userId : 0;
  return ctx.db
    .select(listColumns(userId))
    .from(c)
    .innerJoin(statuses, eq(statuses.id, c.statusId))
    .innerJoin(users, eq(users.id, c.contactId))
    .innerJoin(inboxes, eq(inboxes.id, c.inboxId))
    .leftJoin(priorities, eq(priorities.id, c.priorityId))
    .$dynamic();
}

type ListRecord = Awaited<ReturnType<typeof selectConversationRows>>[number];

export function listRow(r: ListRecord): ConversationListRow {
  const unread = Number(r.unreadCount);
  return {
    id: r.id,
    uuid: r.uuid,
    reference_number: r.referenceNumber,
    subject: r.subject,
    status: r.status,
    status_id: r.statusId,
    priority: r.priority,
    priority_id: r.priorityId,
    assigned_user_id: r.assignedUserId,
    assigned_team_id: r.assignedTeamId,
    inbox_id: r.inboxId,
    inbox_name: r.inboxName,
    inbox_channel: r.inboxChannel,
    contact: {
      id: r.contactId,
      first_name: r.contactFirstName,
      last_name: r.contactLastName,
      email: r.contactEmail,
      avatar_url: r.contactAvatarUrl,
    },
    last_message_at: iso(r.lastMessageAt),
    last_message: r.lastMessage,
    last_message_sender: r.lastMessageSender,
    waiting_since: iso(r.waitingSince),
    first_reply_at: iso(r.firstReplyAt),
    resolved_at: iso(r.resolvedAt),
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
    tags: r.tags,
    unread_count: unread,
    unread_message_count: unread,
    has_draft: Boolean(r.hasDraft),
    next_sla_deadline_at: iso(r.nextSlaDeadlineAt),
    ...NO_SLA,
  };
}

/** LibreDesk's per-conversation SLA fields: HelperIQ applies no SLA policies yet. */
const NO_SLA = {
  sla_policy_id: null,
  applied_sla_id: null,
  first_response_deadline_at: null,
  resolution_deadline_at: null,
  next_response_deadline_at: null,
  next_response_met_at: null,
} as const;

export type ConversationListRow = {
  id: number;
  uuid: string;
  reference_number: number;
  subject: string;
  status: string;
  status_id: number;
  priority: string | null;
  priority_id: number | null;
  assigned_user_id: number | null;
  assigned_team_id: number | null;
  inbox_id: number;
  inbox_name: string;
  inbox_channel: string;
  contact: { id: number; first_name: string; last_name: string; email: string | null; avatar_url: string | null };
  last_message_at: string | null;
  last_message: string;
  last_message_sender: string | null;
  waiting_since: string | null;
  first_reply_at: string | null;
  resolved_at: string | null;
  created_at: string | null;
  updated_at: string | null;
  tags: string[];
  /** HelperIQ's name; `unread_message_count` is LibreDesk's for the same number. */
  unread_count: number;
  unread_message_count: number;
  has_draft: boolean;
  next_sla_deadline_at: string | null;
} & typeof NO_SLA;
