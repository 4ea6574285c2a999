import type { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { authRoutes } from "./auth.ts";
import { config } from "./config.ts";
import { conversationsFamily } from "./conversations.ts";
import { health } from "./health.ts";
import { statusesFamily } from "./statuses.ts";

/**
 * Every endpoint family. Each is deployed as its own Lambda (functions/http/<name>.ts) and all of them
 * run together in the embedded server. `tenant: false` families answer without a workspace.
 */
export const FAMILIES = {
  health: { app: health, tenant: false },
  config: { app: config, tenant: true },
  auth: { app: authRoutes, tenant: true },
  statuses: { app: statusesFamily, tenant: true },
  conversations: { app: conversationsFamily, tenant: true },
} satisfies Record<string, { app: Hono<AppEnv>; tenant: boolean }>;

export type FamilyName = keyof typeof FAMILIES;
