import { getTrashSettings, RETENTION_DAYS, TRASH_SETTING_NAMES, updateTrashSettings } from "@helperiq/core/setting/trash";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok } from "../../middleware/envelope.ts";
import { validate } from "../../validate.ts";
import { settingsUpdate, withLibreDeskNames, type SettingNames } from "./keys.ts";

type Name = (typeof TRASH_SETTING_NAMES)[number];
const days = z.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max);
const trashFields = Object.fromEntries(TRASH_SETTING_NAMES.map((n) => [n, days])) as Record<Name, typeof days>;

/** LibreDesk's names: every setting under `trash.`. */
const TRASH_NAMES = Object.fromEntries(TRASH_SETTING_NAMES.map((n) => [`trash.${n}`, n])) as SettingNames<Name>;

const trashUpdate = settingsUpdate(trashFields, TRASH_NAMES);

/**
 * `GET/PUT /api/v1/settings/trash` (LibreDesk's trash retention, in days, 0 = off), under HelperIQ's and
 * LibreDesk's names: PUT is partial; both answer the full settings. The hourly retention job applies them
 * (conversation/retention.ts).
 */
export const trashSettingsRoutes = new Hono<AppEnv>()
  .get("/api/v1/settings/trash", auth("general_settings:manage"), async (c) =>
    ok(c, withLibreDeskNames(await getTrashSettings(c.get("deps").database.db, c.get("tenant").id), TRASH_NAMES)),
  )
  .put("/api/v1/settings/trash", auth("general_settings:manage"), validate("json", trashUpdate), async (c) => {
    const saved = await updateTrashSettings(c.get("deps").database.db, c.get("tenant").id, c.req.valid("json"));
    return ok(c, withLibreDeskNames(saved, TRASH_NAMES));
  });
