import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Data } from "./schema.ts";

/**
 * The workspace's own data export (features/admin/settings/ExportPage.vue). A finished export carries a signed,
 * same-origin `download_url`; the browser follows it with the session cookie, so the page links to it directly.
 */
export type WorkspaceExport = Data<"GET", "/api/v1/export/:id">;

export const exportApi = {
  /** The latest exports, newest first. */
  list: () => call(ENDPOINTS.exports),
  /** Queues an export; while one is queued or running, that one comes back instead of a second. */
  request: () => call(ENDPOINTS.requestExport),
  get: (id: number) => call(ENDPOINTS.exportJob, { params: { id } }),
};
