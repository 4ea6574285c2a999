import type { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { agentsFamily } from "./agents.ts";
import { authRoutes } from "./auth.ts";
import { config } from "./config.ts";
import { conversationsFamily } from "./conversations.ts";
import { health } from "./health.ts";
import { oidcFamily } from "./oidc.ts";
import { settingsFamily } from "./settings.ts";
import { statusesFamily } from "./statuses.ts";

/** Every endpoint family by name: the embedded server mounts them all; a Lambda imports only its own. */
export const FAMILIES = {
  health,
  config,
  settings: settingsFamily,
  auth: authRoutes,
  statuses: statusesFamily,
  conversations: conversationsFamily,
  oidc: oidcFamily,
  agents: agentsFamily,
} satisfies Record<string, Hono<AppEnv>>;

export type FamilyName = keyof typeof FAMILIES;
