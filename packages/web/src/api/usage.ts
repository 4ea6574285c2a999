import { call } from "./client.ts";
import { ENDPOINTS } from "./endpoints.ts";
import type { Data } from "./schema.ts";

/** The workspace's usage in a month beside its plan's limits (the admin console's Usage screen). */
export type UsageReport = Data<"GET", "/api/v1/usage">;

export const usageApi = {
  /** `month` is `YYYY-MM`; the current month when absent. */
  report: (month?: string) => call(ENDPOINTS.usage, month ? { query: { month } } : {}),
};
