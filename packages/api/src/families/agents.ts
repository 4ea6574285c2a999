import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { agentAdminRoutes } from "./agents/admin.ts";
import { meRoutes } from "./agents/me.ts";
import { passwordRoutes } from "./agents/password.ts";
import { roleRoutes } from "./agents/roles.ts";
import { teamRoutes } from "./agents/teams.ts";

/**
 * Agents, teams and roles: one family, one Lambda. The fixed paths
 * (/agents/me…, /agents/compact, /teams/compact) are mounted before the `:id` ones.
 */
export const agentsFamily = new Hono<AppEnv>()
  .route("/", meRoutes)
  .route("/", passwordRoutes)
  .route("/", agentAdminRoutes)
  .route("/", teamRoutes)
  .route("/", roleRoutes);
