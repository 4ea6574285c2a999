import { type AnyColumn, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { sameNames, type FilterModels } from "../filter/libredesk.ts";
import type { FilterField, FilterFields, FilterOptions } from "../filter/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { priorities, statuses } from "../status/status.sql.ts";
import { tags } from "../tag/tag.sql.ts";
import { teams } from "../team/team.sql.ts";
import { users } from "../user/user.sql.ts";
import { conversations, conversationTags } from "./conversation.sql.ts";

const c = conversations;

const lowerList = (values: string[]) =>
  sql.join(
    values.map((v) => sql`lower(${v})`),
    sql`, `,
  );
const textList = (values: string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * A reference column filtered by what people call the row: its name (any case) or its id, e.g.
 * `priority = "High"` or `status in ["Open", 4]`. Every condition looks only at the conversation's
 * own columns (subqueries), so it holds in lists, counts and search alike; rows without a value are
 * never "in" a list (`NOT has` keeps them).
 */
function byNameOrId(column: AnyColumn, table: PgTable & { id: AnyColumn }, name: AnyColumn, scope?: SQL): FilterField {
  return {
    type: "set",
    has: (values) =>
      sql`coalesce(${column} IN (SELECT ${table.id} FROM ${table} WHERE ${scope ?? sql`true`}
        AND (lower(${name}) IN (${lowerList(values)}) OR ${table.id}::text IN (${textList(values)}))), false)`,
    any: sql`${column} IS NOT NULL`,
  };
}

/** Tags by name (any case) or id (LibreDesk's UI sends ids). */
const hasTag = (values: string[]) =>
  sql`EXISTS (SELECT 1 FROM ${conversationTags} JOIN ${tags} ON ${tags.id} = ${conversationTags.tagId}
    WHERE ${conversationTags.conversationId} = ${c.id}
      AND (lower(${tags.name}) IN (${lowerList(values)}) OR ${tags.id}::text IN (${textList(values)})))`;

const sameTenant = (tenantColumn: AnyColumn) => sql`${tenantColumn} = ${c.tenantId}`;

/**
 * Filterable conversation fields, plus `custom_attributes.<key>`. Ids (`status_id`…) compare
 * as numbers; `status`, `priority`, `assigned_user` (id or email), `assigned_team` and `inbox` (id or
 * name) take what a person would write.
 */
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
  last_interaction_at: { type: "date", expr: c.lastInteractionAt },
  waiting_since: { type: "date", expr: c.waitingSince },
  next_sla_deadline_at: { type: "date", expr: c.nextSlaDeadlineAt },
  snoozed_until: { type: "date", expr: c.snoozedUntil },
  resolved_at: { type: "date", expr: c.resolvedAt },
  closed_at: { type: "date", expr: c.closedAt },
  status: byNameOrId(c.statusId, statuses, statuses.name, sameTenant(statuses.tenantId)),
  priority: byNameOrId(c.priorityId, priorities, priorities.name),
  assigned_user: byNameOrId(c.assignedUserId, users, users.email, sameTenant(users.tenantId)),
  assigned_team: byNameOrId(c.assignedTeamId, teams, teams.name, sameTenant(teams.tenantId)),
  inbox: byNameOrId(c.inboxId, inboxes, inboxes.name, sameTenant(inboxes.tenantId)),
  contact_email: { type: "text", expr: sql`(SELECT ${users.email} FROM ${users} WHERE ${users.id} = ${c.contactId})` },
  inbox_channel: {
    type: "text",
    expr: sql`(SELECT ${inboxes.channel} FROM ${inboxes} WHERE ${inboxes.id} = ${c.inboxId})`,
  },
  tags: {
    type: "set",
    has: hasTag,
    any: sql`EXISTS (SELECT 1 FROM ${conversationTags} WHERE ${conversationTags.conversationId} = ${c.id})`,
  },
};

/** LibreDesk's models for conversation lists: the conversation's columns, its status, contact and inbox. */
const CONVERSATION_FILTER_MODELS: FilterModels = {
  conversations: sameNames(
    Object.keys(CONVERSATION_FILTERS).filter(
      (f) => !["status", "priority", "contact_email", "inbox_channel"].includes(f),
    ),
  ),
  conversation_statuses: { id: "status_id", name: "status" },
  conversation_priorities: { id: "priority_id", name: "priority" },
  users: { email: "contact_email" },
  inboxes: { channel: "inbox_channel", id: "inbox_id", name: "inbox" },
};

/** How every conversation list, saved view and conversation search compiles `filters`. */
export const CONVERSATION_FILTER_OPTIONS: FilterOptions = {
  customAttributes: c.customAttributes,
  models: CONVERSATION_FILTER_MODELS,
};
