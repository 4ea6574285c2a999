import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { z } from "zod";
import { ok, responds } from "../middleware/envelope.ts";

/**
 * SLA policies and business hours: HelperIQ has neither yet (they come with their own issue). LibreDesk's UI
 * lists both for every agent — the SLA store at startup (App.vue), business hours on the settings forms —
 * and shows an error box when the list fails, so the lists answer what is true: the workspace has none.
 * Every other route of these families (create, read one, update, delete), and the families the UI only
 * opens on admin pages (templates, automations, webhooks, reports, activity logs, CSAT), stay unrouted:
 * a clean 404 (`NotFoundError` embedded, API Gateway's own 404 in AWS), never a 500.
 */
export const slaFamily = new Hono<AppEnv>()
  .get("/api/v1/sla", auth(), responds(z.array(z.never())), (c) => ok(c, []))
  .get("/api/v1/business-hours", auth(), responds(z.array(z.never())), (c) => ok(c, []));
