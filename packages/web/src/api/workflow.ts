import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { ListFilter } from "./list.ts";
import type { Body, Data } from "./schema.ts";

/** The admin console's conversation settings: statuses, tags (with CSV import), custom attributes, macros, shared views. */

export type AdminStatus = Data<"GET", "/api/v1/statuses">[number];
export type AdminTag = Data<"GET", "/api/v1/tags">[number];
/** The latest tag import of the workspace, or null when there never was one. */
export type ImportJob = NonNullable<Data<"GET", "/api/v1/tags/import/status">>;
export type AdminAttribute = Data<"GET", "/api/v1/custom-attributes">[number];
export type AttributeInput = Body<"POST", "/api/v1/custom-attributes">;
export type AdminMacro = Data<"GET", "/api/v1/macros">[number];
export type MacroInput = Body<"POST", "/api/v1/macros">;
export type SharedView = Data<"GET", "/api/v1/shared-views">[number];

const byId = (id: number) => ({ params: { id } });

export const workflowApi = {
  statuses: () => call(ENDPOINTS.statuses),
  createStatus: (body: { name: string; color?: string; show_on_send?: boolean }) =>
    call(ENDPOINTS.createStatus, { body }),
  renameStatus: (id: number, name: string) => call(ENDPOINTS.updateStatus, { ...byId(id), body: { name } }),
  setStatusColor: (id: number, color: string) => call(ENDPOINTS.statusColor, { ...byId(id), body: { color } }),
  setStatusShowOnSend: (id: number, show: boolean) =>
    call(ENDPOINTS.statusShowOnSend, { ...byId(id), body: { show_on_send: show } }),
  /** Status ids in their new order. */
  reorderStatuses: (ids: number[]) => call(ENDPOINTS.reorderStatuses, { body: { ids } }),
  deleteStatus: (id: number) => call(ENDPOINTS.deleteStatus, byId(id)),

  tags: () => call(ENDPOINTS.tags),
  createTag: (name: string) => call(ENDPOINTS.createTag, { body: { name } }),
  renameTag: (id: number, name: string) => call(ENDPOINTS.renameTag, { ...byId(id), body: { name } }),
  deleteTag: (id: number) => call(ENDPOINTS.deleteTag, byId(id)),
  /** Starts a CSV import (a `name` column); it runs in the background: poll `tagImportStatus`. */
  importTags: (file: File) => {
    const form = new FormData();
    form.append("file", file);
    return call(ENDPOINTS.importTags, { body: form });
  },
  tagImportStatus: () => call(ENDPOINTS.tagImportStatus),

  attributes: (appliesTo: AdminAttribute["applies_to"]) =>
    call(ENDPOINTS.customAttributes, { query: { applies_to: appliesTo } }),
  createAttribute: (body: AttributeInput) => call(ENDPOINTS.createAttribute, { body }),
  updateAttribute: (id: number, body: Partial<AttributeInput>) =>
    call(ENDPOINTS.updateAttribute, { ...byId(id), body }),
  deleteAttribute: (id: number) => call(ENDPOINTS.deleteAttribute, byId(id)),

  macros: () => call(ENDPOINTS.macros),
  createMacro: (body: MacroInput) => call(ENDPOINTS.createMacro, { body }),
  updateMacro: (id: number, body: Partial<MacroInput>) => call(ENDPOINTS.updateMacro, { ...byId(id), body }),
  deleteMacro: (id: number) => call(ENDPOINTS.deleteMacro, byId(id)),

  sharedViews: () => call(ENDPOINTS.adminSharedViews),
  createSharedView: (name: string, filters: ListFilter[]) =>
    call(ENDPOINTS.createSharedView, { body: { name, filters } }),
  updateSharedView: (id: number, change: { name?: string; filters?: ListFilter[] }) =>
    call(ENDPOINTS.updateSharedView, { ...byId(id), body: change }),
  deleteSharedView: (id: number) => call(ENDPOINTS.deleteSharedView, byId(id)),

  teams: () => call(ENDPOINTS.teamsCompact),
  agents: () => call(ENDPOINTS.agentsCompact),
  priorities: () => call(ENDPOINTS.priorities),
};
