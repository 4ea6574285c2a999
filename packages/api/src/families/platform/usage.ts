import { parseUsageMonth, usageReport } from "@helperiq/core/platform/usage-report";
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { usageQuery, usageReport as usageView } from "../../responses/usage.ts";
import { validate } from "../../validate.ts";
import { liveWorkspace, slugParam } from "./workspace-param.ts";

/** The operator's view of one workspace's usage in a month, with its limits (the same report its admin sees). */
export const usageRoutes = new Hono<AppEnv>().get(
  "/platform/v1/workspaces/:slug/usage",
  validate("param", slugParam),
  validate("query", usageQuery),
  responds(usageView),
  async (c) => {
    const { database, clock } = c.get("deps");
    const row = await liveWorkspace(database.db, c.req.valid("param").slug);
    const month = parseUsageMonth(c.req.valid("query").month, clock.now());
    return ok(c, await usageReport(database.db, row.id, month));
  },
);
