import { LANGUAGES } from "@helperiq/core/i18n/index";
import { getGeneralSettings, updateGeneralSettings, type GeneralSettings } from "@helperiq/core/setting/general";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { auth } from "../../middleware/auth.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { generalSettings } from "../../responses/settings.ts";
import { timeZone, validate } from "../../validate.ts";
import { settingsUpdate, withLibreDeskNames, withLibreDeskNamesSchema, type SettingNames } from "./keys.ts";

const isHttpUrl = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
const urlOrEmpty = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => v === "" || isHttpUrl(v), "must be an http(s) URL or empty");

const extension = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\.?(\*|[a-z0-9]{1,16})$/, 'must be a file extension like "pdf", or "*"')
  .transform((ext) => ext.replace(/^\./, ""));

const generalFields = {
  site_name: z.string().trim().min(1, "required").max(140),
  root_url: urlOrEmpty.transform((url) => url.replace(/\/+$/, "")),
  timezone: timeZone,
  default_language: z
    .string()
    .refine(
      (code) => LANGUAGES.some((l) => l.code === code),
      `must be one of ${LANGUAGES.map((l) => l.code).join(", ")}`,
    ),
  max_file_upload_size_mb: z.number().int().min(1).max(100),
  allowed_file_upload_extensions: z
    .array(extension)
    .min(1)
    .max(100)
    .transform((exts) => [...new Set(exts)]),
  logo_url: urlOrEmpty,
  favicon_url: urlOrEmpty,
};

/** LibreDesk's names of the general settings (its `app.*` keys). */
const GENERAL_NAMES = {
  "app.site_name": "site_name",
  "app.lang": "default_language",
  "app.timezone": "timezone",
  "app.root_url": "root_url",
  "app.logo_url": "logo_url",
  "app.favicon_url": "favicon_url",
  "app.max_file_upload_size": "max_file_upload_size_mb",
  "app.allowed_file_upload_extensions": "allowed_file_upload_extensions",
} as const satisfies SettingNames<keyof typeof generalFields>;

/** LibreDesk's business hours setting: HelperIQ has no business hours yet, so it stays empty. */
const UNAVAILABLE = { "app.business_hours_id": "business hours are not available yet" };

const generalUpdate = settingsUpdate(generalFields, GENERAL_NAMES, UNAVAILABLE);

/** The settings under HelperIQ's and LibreDesk's names. */
const answer = (settings: GeneralSettings) =>
  withLibreDeskNames(settings, GENERAL_NAMES, { "app.business_hours_id": "" });
const generalView = withLibreDeskNamesSchema(generalSettings, GENERAL_NAMES, {
  "app.business_hours_id": z.string().describe("Always empty: business hours are not available yet."),
}).meta({ id: "GeneralSettings" });

/** The workspace's name stands in for a site name nobody set (as in GET /api/v1/config). */
const siteNameFallback = (c: Context<AppEnv>) => c.get("tenant").name || c.get("deps").config.appName;

/**
 * `GET/PUT /api/v1/settings/general`: PUT is a partial update under either name; both answer the full
 * settings under both names.
 */
export const generalSettingsRoutes = new Hono<AppEnv>()
  .get("/api/v1/settings/general", auth("general_settings:manage"), responds(generalView), async (c) =>
    ok(c, answer(await getGeneralSettings(c.get("deps").database.db, c.get("tenant").id, siteNameFallback(c)))),
  )
  .put(
    "/api/v1/settings/general",
    auth("general_settings:manage"),
    validate("json", generalUpdate),
    responds(generalView),
    async (c) =>
      ok(
        c,
        answer(
          await updateGeneralSettings(
            c.get("deps").database.db,
            c.get("tenant").id,
            c.req.valid("json"),
            siteNameFallback(c),
          ),
        ),
      ),
  );
