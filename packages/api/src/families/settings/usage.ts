import { parseUsageMonth, usageReport } from "@helperiq/core/platform/usage-report";
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { usageQuery, usageReport as usageView } from "../../responses/usage.ts";
import { validate } from "../../validate.ts";

/** The workspace admin's view of its own usage and plan limits (the operator's is the platform API's). */
export const usageSettingsRoutes = new Hono<AppEnv>().get(
  "/api/v1/usage",
  auth("general_settings:manage"),
  validate("query", usageQuery),
  responds(usageView),
  async (c) => {
    const { database, clock } = c.get("deps");
    const month = parseUsageMonth(c.req.valid("query").month, clock.now());
    return ok(c, await usageReport(database.db, c.get("tenant").id, month));
  },
);
