import { and, asc, eq, isNull } from "drizzle-orm";
import { listAgentsCompact } from "../agent/profile.ts";
import type { Ctx } from "../context/index.ts";
import type { AttributeType } from "../custom-attribute/definition.ts";
import { listAttributes } from "../custom-attribute/index.ts";
import { type FilterField, OPS_BY_TYPE, type Operator } from "../filter/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { listPriorities, listStatuses } from "../status/index.ts";
import { listTags } from "../tag/index.ts";
import { listTeamsCompact } from "../team/index.ts";
import { CONVERSATION_FILTERS } from "../conversation/filters.ts";
import { CONVERSATION_ORDER_KEYS, type ConversationOrder } from "../conversation/list.ts";

/*
 * What a client's filter builder may offer for the conversation lists. A folder of its own: it reads the
 * lists' allow-lists (conversation/) and the workspace's agents, teams, statuses, tags and attributes, and
 * agent/ already depends on conversation/ (unassigning a leaving agent), so inside either it would tie the
 * two both ways. Nothing in core imports it.
 */

/** A value a field may take, with what people call it (a status's name for its id…). */
export type FilterOption = { value: string | number; label: string };

export type ConversationFilterField = {
  field: string;
  type: FilterField["type"];
  operators: Operator[];
  /** The workspace's values of a reference field (statuses, agents, tags…), in the form the field compares. */
  options?: FilterOption[];
  /** Custom attributes: the attribute's name and its own type (the filter compares its value as text). */
  label?: string;
  attribute_type?: AttributeType;
};

export type ConversationFilterFields = { fields: ConversationFilterField[]; order_by: ConversationOrder[] };

const ATTRIBUTE_PREFIX = "custom_attributes.";

/**
 * What a client may put in a conversation list's `filters` and `order_by`, read from the very allow-lists
 * the list compiles against (CONVERSATION_FILTERS, OPS_BY_TYPE, CONVERSATION_ORDER), plus this workspace's
 * conversation attributes (compared as text, as the compiler does) and the values of its reference fields,
 * so a filter builder needs no other call (agents without inboxes:manage cannot list inboxes otherwise).
 */
export async function conversationFilterFields(ctx: Ctx): Promise<ConversationFilterFields> {
  const [statusRows, priorityRows, agents, teamRows, inboxRows, tagRows, attributes] = await Promise.all([
    listStatuses(ctx),
    listPriorities(ctx),
    listAgentsCompact(ctx),
    listTeamsCompact(ctx),
    ctx.db
      .select({ id: inboxes.id, name: inboxes.name })
      .from(inboxes)
      .where(and(eq(inboxes.tenantId, ctx.tenantId), isNull(inboxes.deletedAt)))
      .orderBy(asc(inboxes.name), asc(inboxes.id)),
    listTags(ctx),
    listAttributes(ctx, "conversation"),
  ]);
  const agentName = (a: (typeof agents)[number]) =>
    [a.first_name, a.last_name].filter(Boolean).join(" ") || a.email || `#${a.id}`;
  const byId = (rows: { id: number; name: string }[]) => rows.map((r) => ({ value: r.id, label: r.name }));
  const byName = (rows: { name: string }[]) => rows.map((r) => ({ value: r.name, label: r.name }));
  const options: Record<string, FilterOption[]> = {
    status_id: byId(statusRows),
    status: byName(statusRows),
    priority_id: byId(priorityRows),
    priority: byName(priorityRows),
    assigned_user_id: agents.map((a) => ({ value: a.id, label: agentName(a) })),
    // `assigned_user` compares emails: agents without one are reached by id only.
    assigned_user: agents.flatMap((a) => (a.email ? [{ value: a.email, label: agentName(a) }] : [])),
    assigned_team_id: byId(teamRows),
    assigned_team: byName(teamRows),
    inbox_id: byId(inboxRows),
    inbox: byName(inboxRows),
    tags: byName(tagRows),
  };
  const fields: ConversationFilterField[] = Object.entries(CONVERSATION_FILTERS).map(([field, spec]) => ({
    field,
    type: spec.type,
    operators: [...OPS_BY_TYPE[spec.type]],
    ...(options[field] && { options: options[field] }),
  }));
  for (const attribute of attributes) {
    fields.push({
      field: `${ATTRIBUTE_PREFIX}${attribute.key}`,
      type: "text",
      operators: [...OPS_BY_TYPE.text],
      label: attribute.name,
      attribute_type: attribute.type,
      ...(attribute.type === "list" && { options: attribute.values.map((v) => ({ value: v, label: v })) }),
    });
  }
  return { fields, order_by: [...CONVERSATION_ORDER_KEYS] };
}
