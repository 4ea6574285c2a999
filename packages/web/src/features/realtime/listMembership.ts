import type { ConversationRow, ListSource } from "../../api/index.ts";

/**
 * Whether a row, as a live change left it, has certainly left the list on screen: its status is not the
 * list's status filter, or its assignment no longer fits the fixed inbox or team queue (the API's list
 * rules: assigned = to me, unassigned = to no agent and no team, a team's queue = that team's, to nobody). False means
 * "maybe still in it": views and mentions have rules of their own, settled by refetching the page.
 */
export function leftList(
  row: Pick<ConversationRow, "status" | "assigned_user_id" | "assigned_team_id">,
  list: { source: ListSource; statuses?: string[] },
  myId: number | undefined,
): boolean {
  if (list.statuses?.length && !list.statuses.includes(row.status)) return true;
  switch (list.source.kind) {
    case "assigned":
      return myId !== undefined && row.assigned_user_id !== myId;
    case "unassigned":
      return row.assigned_user_id !== null || row.assigned_team_id !== null;
    case "team":
      return row.assigned_user_id !== null || row.assigned_team_id !== list.source.id;
    default:
      return false;
  }
}

/** Changed fields that can move a conversation into or out of a list, or along its order. */
export const LIST_FIELDS = new Set([
  "status",
  "assigned_user_id",
  "assigned_team_id",
  "priority",
  "priority_id",
  "tags",
  "custom_attributes",
  "last_message_at",
  "snoozed_until",
  "deleted",
]);
