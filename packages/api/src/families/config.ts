import { getSetting } from "@helperiq/core/setting/index";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ok } from "../middleware/envelope.ts";

export const LANGUAGES = [{ code: "en", name: "English" }];

type GeneralSettings = { site_name?: string; logo_url?: string; default_language?: string };

/** `GET /api/v1/config`: what the login page needs before anyone signs in. */
export const config = new Hono<AppEnv>().get("/api/v1/config", async (c) => {
  const tenant = c.get("tenant");
  const general = (await getSetting<GeneralSettings>(c.get("deps").database.db, tenant.id, "general")) ?? {};
  return ok(c, {
    app_name: general.site_name || tenant.name || c.get("deps").config.appName,
    logo_url: general.logo_url ?? "",
    // SSO providers are listed here once they exist (identity issue); never their secrets.
    sso_providers: [],
    languages: LANGUAGES,
    default_language: general.default_language ?? "en",
  });
});
