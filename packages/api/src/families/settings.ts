import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { emailNotificationRoutes } from "./settings/email-notification.ts";
import { generalSettingsRoutes } from "./settings/general.ts";
import { trashSettingsRoutes } from "./settings/trash.ts";

/** Workspace settings (spec §4 "Health and config", LibreDesk's /settings/notifications/email): one Lambda. */
export const settingsFamily = new Hono<AppEnv>()
  .route("/", generalSettingsRoutes)
  .route("/", emailNotificationRoutes)
  .route("/", trashSettingsRoutes);
