import type { Db } from "../port/database.ts";
import { getSetting, mergeSetting } from "./index.ts";

/** A workspace's general settings, as the API shows them (and /api/v1/config before sign-in). */
export type GeneralSettings = {
  site_name: string;
  /** Public URL of the agent UI; "" means the origin the request came in on. */
  root_url: string;
  timezone: string;
  default_language: string;
  max_file_upload_size_mb: number;
  /** Lower-case extensions without the dot; "*" allows any. */
  allowed_file_upload_extensions: string[];
  logo_url: string;
  favicon_url: string;
};

export const GENERAL_SETTINGS_KEY = "general";

/** Only what an admin set is stored, so a default changed later still reaches everyone else. */
function generalDefaults(siteName: string): GeneralSettings {
  return {
    site_name: siteName,
    root_url: "",
    timezone: "UTC",
    default_language: "en",
    max_file_upload_size_mb: 25,
    allowed_file_upload_extensions: ["*"],
    logo_url: "",
    favicon_url: "",
  };
}

/** The stored values over the defaults; `siteName` (usually the workspace's name) stands in for an unset site name. */
export async function getGeneralSettings(db: Db, tenantId: number, siteName: string): Promise<GeneralSettings> {
  const stored = (await getSetting<Partial<GeneralSettings>>(db, tenantId, GENERAL_SETTINGS_KEY)) ?? {};
  return { ...generalDefaults(siteName), ...stored };
}

/** Merges a validated partial update into what is stored and returns the resulting settings. */
export async function updateGeneralSettings(
  db: Db,
  tenantId: number,
  patch: Partial<GeneralSettings>,
  siteName: string,
): Promise<GeneralSettings> {
  const stored = await mergeSetting<GeneralSettings>(db, tenantId, GENERAL_SETTINGS_KEY, patch);
  return { ...generalDefaults(siteName), ...stored };
}
