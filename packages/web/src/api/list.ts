import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Data } from "./schema.ts";

/** The conversation lists' calls beyond reading a page: the filter builder's fields, personal views, bulk changes. */

export type FilterFields = Data<"GET", "/api/v1/conversations/filter-fields">;
export type FilterFieldSpec = FilterFields["fields"][number];
export type FilterOperator = FilterFieldSpec["operators"][number];
export type SavedView = Data<"POST", "/api/v1/views/me">;

/** One condition of a list's `filters`, as the API takes it. */
export type ListFilter = { field: string; operator: string; value?: unknown };

const at = (uuid: string) => ({ params: { uuid } });

export const listApi = {
  filterFields: () => call(ENDPOINTS.conversationFilterFields),

  createView: (name: string, filters: ListFilter[]) => call(ENDPOINTS.createMyView, { body: { name, filters } }),
  updateView: (id: number, change: { name?: string; filters?: ListFilter[] }) =>
    call(ENDPOINTS.updateMyView, { params: { id }, body: change }),
  deleteView: (id: number) => call(ENDPOINTS.deleteMyView, { params: { id } }),

  // One conversation at a time: the API has no bulk routes; useBulkActions reports each one's outcome.
  setStatus: (uuid: string, status: string) => call(ENDPOINTS.conversationStatus, { ...at(uuid), body: { status } }),
  assignAgent: (uuid: string, agentId: number) =>
    call(ENDPOINTS.conversationAssignUser, { ...at(uuid), body: { assignee_id: agentId } }),
  assignTeam: (uuid: string, teamId: number) =>
    call(ENDPOINTS.conversationAssignTeam, { ...at(uuid), body: { assignee_id: teamId } }),
  /** The tags body replaces the whole set: the caller sends the row's tags plus the new one. */
  setTags: (uuid: string, tags: string[]) => call(ENDPOINTS.conversationTags, { ...at(uuid), body: { tags } }),
};
