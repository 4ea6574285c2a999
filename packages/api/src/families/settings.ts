import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { emailNotificationRoutes } from "./settings/email-notification.ts";
import { exportSettingsRoutes } from "./settings/export.ts";
import { generalSettingsRoutes } from "./settings/general.ts";
import { trashSettingsRoutes } from "./settings/trash.ts";
import { usageSettingsRoutes } from "./settings/usage.ts";

/** Workspace settings: general, notification email (LibreDesk's /settings/notifications/email), trash. One Lambda. */
export const settingsFamily = new Hono<AppEnv>()
  .route("/", generalSettingsRoutes)
  .route("/", emailNotificationRoutes)
  .route("/", trashSettingsRoutes)
  .route("/", exportSettingsRoutes)
  .route("/", usageSettingsRoutes);
