import { DEFAULT_LANGUAGE, LANGUAGES, languagePack } from "@helperiq/core/i18n/index";
import { listSsoProviders } from "@helperiq/core/oidc/provider";
import { getGeneralSettings } from "@helperiq/core/setting/general";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { ok, responds, respondsRaw } from "../middleware/envelope.ts";
import { language, languagePack as languagePackSchema, publicConfig } from "../responses/config.ts";
import { validate } from "../validate.ts";

/** Ecommerce providers this build can talk to (Maho speaks Magento 1's REST API). */
const ECOMMERCE_PROVIDERS = ["magento1"];

const langParam = z.object({
  lang: z.string().regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$/, "must be a language code like en or pt-BR"),
});

/**
 * What the UIs need before anyone signs in: `GET /api/v1/config` and the language packs. Both public,
 * never anything secret.
 */
export const config = new Hono<AppEnv>()
  .get("/api/v1/config", responds(publicConfig), async (c) => {
    const tenant = c.get("tenant");
    const general = await getGeneralSettings(
      c.get("deps").database.db,
      tenant.id,
      tenant.name || c.get("deps").config.appName,
    );
    // The workspace's enabled sign-in providers (never their secrets), each with where its button leads.
    const ssoProviders = (await listSsoProviders(c.get("deps").database.db, tenant.id)).map((p) => ({
      ...p,
      enabled: true,
      login_url: `/api/v1/oidc/${p.id}/login`,
    }));
    return ok(c, {
      app_name: general.site_name,
      logo_url: general.logo_url,
      sso_providers: ssoProviders,
      languages: LANGUAGES,
      default_language: general.default_language,
      // LibreDesk's UI reads the same under its `app.*` keys (main.js, the login page, the settings store).
      "app.site_name": general.site_name,
      "app.lang": general.default_language,
      "app.logo_url": general.logo_url,
      "app.favicon_url": general.favicon_url,
      "app.root_url": general.root_url,
      "app.timezone": general.timezone,
      "app.max_file_upload_size": general.max_file_upload_size_mb,
      "app.allowed_file_upload_extensions": general.allowed_file_upload_extensions,
      "app.sso_providers": ssoProviders,
      // LibreDesk's edition flags: everything HelperIQ has is in one edition.
      "app.edition": "ce",
      "app.is_pro": false,
      "app.ecommerce_providers": ECOMMERCE_PROVIDERS,
    });
  })
  // The languages there are packs for, as `{code, name}` (LibreDesk 2.x's language picker).
  .get("/api/v1/lang", responds(z.array(language)), (c) => ok(c, LANGUAGES))
  // The pack itself, not wrapped in `{data}`: vue-i18n takes the body as its messages. An unknown language
  // answers English, and `_.code` (and Content-Language) say which language it is.
  .get(
    "/api/v1/lang/:lang",
    validate("param", langParam),
    respondsRaw({ status: 200, schema: languagePackSchema }),
    (c) => {
      const pack = languagePack(c.req.valid("param").lang);
      c.header("Content-Language", pack["_.code"] ?? DEFAULT_LANGUAGE);
      c.header("Cache-Control", "public, max-age=300");
      return c.json(pack);
    },
  );
