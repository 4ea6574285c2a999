import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { platformAccess } from "./access.ts";
import { domainRoutes } from "./domains.ts";
import { usageRoutes } from "./usage.ts";
import { exportRoutes } from "./exports.ts";
import { workspaceRoutes } from "./workspaces.ts";

/**
 * The operator's platform API, outside every workspace (README: Configuration, docs/workspaces.md). Every
 * route passes platformAccess first (on/off, host, rate limit, key, audit). Each file of this folder holds
 * one group of routes; a new group is one `.route("/", …)` line here.
 */
export const platformFamily = new Hono<AppEnv>()
  .use("/platform/v1/*", platformAccess)
  .route("/", workspaceRoutes)
  .route("/", usageRoutes)
  .route("/", domainRoutes)
  .route("/", exportRoutes);
