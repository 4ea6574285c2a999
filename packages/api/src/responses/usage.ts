import type { UsageReport } from "@helperiq/core/platform/usage-report";
import { z } from "zod";
import { workspaceLimits } from "./workspace.ts";
import { int } from "./scalars.ts";

/** One month of a workspace's usage beside its limits (core/tenant/usage-report.ts). */
export const usageReport = z
  .object({
    month: z.string().describe("`YYYY-MM` (UTC)."),
    conversations: int.describe("Conversations created in the month."),
    messages: int.describe("Messages created in the month."),
    ai_calls: int.describe("Calls to the workspace's cloud AI providers in the month (drafts, rewrites, embeddings)."),
    ai_tokens: int.describe("Tokens those providers reported for chat calls in the month."),
    agents: int.describe("Enabled agents now (the seats `limits.agents` counts)."),
    inboxes: int.describe("Inboxes now."),
    storage_bytes: int.describe("Bytes of stored media now."),
    limits: workspaceLimits.describe("The plan's limits; an absent key is unlimited."),
  })
  .meta({ id: "UsageReport" }) satisfies z.ZodType<UsageReport>;

/** `?month=YYYY-MM`, the current month when absent (checked by parseUsageMonth). */
export const usageQuery = z.object({
  month: z.string().max(7).optional().describe("`YYYY-MM` (UTC); the current month when absent."),
});
