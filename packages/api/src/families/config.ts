import { listSsoProviders } from "@helperiq/core/oidc/provider";
import { getGeneralSettings } from "@helperiq/core/setting/general";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ok } from "../middleware/envelope.ts";

export const LANGUAGES = [{ code: "en", name: "English" }];

/** `GET /api/v1/config`: what the login page needs before anyone signs in. */
export const config = new Hono<AppEnv>().get("/api/v1/config", async (c) => {
  const tenant = c.get("tenant");
  const general = await getGeneralSettings(c.get("deps").database.db, tenant.id, tenant.name || c.get("deps").config.appName);
  return ok(c, {
    app_name: general.site_name,
    logo_url: general.logo_url,
    // The workspace's enabled sign-in providers (never their secrets), each with where its button leads.
    sso_providers: (await listSsoProviders(c.get("deps").database.db, tenant.id)).map((p) => ({
      ...p,
      login_url: `/api/v1/oidc/${p.id}/login`,
    })),
    languages: LANGUAGES,
    default_language: general.default_language,
  });
});
