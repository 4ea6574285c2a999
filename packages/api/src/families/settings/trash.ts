import {
  getTrashSettings,
  RETENTION_DAYS,
  TRASH_SETTING_NAMES,
  updateTrashSettings,
} from "@helperiq/core/setting/trash";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { validate } from "../../validate.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { trashSettings } from "../../responses/settings.ts";
import { settingsUpdate, withLibreDeskNames, withLibreDeskNamesSchema } from "./keys.ts";

type Name = (typeof TRASH_SETTING_NAMES)[number];
const days = z.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max);
const trashFields = Object.fromEntries(TRASH_SETTING_NAMES.map((n) => [n, days])) as Record<Name, typeof days>;

/** LibreDesk's names: every setting under `trash.`. */
const TRASH_NAMES = Object.fromEntries(TRASH_SETTING_NAMES.map((n) => [`trash.${n}`, n])) as {
  [N in Name as `trash.${N}`]: N;
};

const trashUpdate = settingsUpdate(trashFields, TRASH_NAMES);
const trashView = withLibreDeskNamesSchema(trashSettings, TRASH_NAMES).meta({ id: "TrashSettings" });

/**
 * `GET/PUT /api/v1/settings/trash` (LibreDesk's trash retention, in days, 0 = off), under HelperIQ's and
 * LibreDesk's names: PUT is partial; both answer the full settings. The hourly retention job applies them
 * (conversation/retention.ts).
 */
export const trashSettingsRoutes = new Hono<AppEnv>()
  .get("/api/v1/settings/trash", auth("general_settings:manage"), responds(trashView), async (c) =>
    ok(c, withLibreDeskNames(await getTrashSettings(c.get("deps").database.db, c.get("tenant").id), TRASH_NAMES)),
  )
  .put(
    "/api/v1/settings/trash",
    auth("general_settings:manage"),
    validate("json", trashUpdate),
    responds(trashView),
    async (c) => {
      const saved = await updateTrashSettings(c.get("deps").database.db, c.get("tenant").id, c.req.valid("json"));
      return ok(c, withLibreDeskNames(saved, TRASH_NAMES));
    },
  );
