import type { ListOrderBy } from "../../api/index.ts";

/**
 * The list's sort choices (`?sort=`), each one of the API's `order_by` keys and a direction (the API puts
 * rows without a value last either way). `newest` is the default and stays out of the URL.
 */
export const SORTS = {
  newest: { orderBy: "last_message_at", order: "desc", label: "conversation.sort.newestActivity" },
  oldest: { orderBy: "last_message_at", order: "asc", label: "conversation.sort.oldestActivity" },
  started_first: { orderBy: "created_at", order: "asc", label: "conversation.sort.startedFirst" },
  started_last: { orderBy: "created_at", order: "desc", label: "conversation.sort.startedLast" },
  waiting_longest: { orderBy: "waiting_since", order: "asc", label: "conversation.sort.waitingLongest" },
  next_sla: { orderBy: "next_sla_deadline_at", order: "asc", label: "conversation.sort.nextSLATarget" },
  priority: { orderBy: "priority_id", order: "desc", label: "conversation.sort.priorityFirst" },
} as const satisfies Record<string, { orderBy: ListOrderBy; order: "asc" | "desc"; label: string }>;

export type SortKey = keyof typeof SORTS;
export const DEFAULT_SORT: SortKey = "newest";

export function sortOf(value: unknown): SortKey {
  return typeof value === "string" && Object.hasOwn(SORTS, value) ? (value as SortKey) : DEFAULT_SORT;
}
