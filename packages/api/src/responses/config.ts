import { z } from "zod";
import { ssoProvider } from "./oidc.ts";
import { int } from "./scalars.ts";

/** A language there is a pack for. */
export const language = z.object({ code: z.string(), name: z.string() }).meta({ id: "Language" });

/** What the UIs read before anyone signs in (GET /api/v1/config), under HelperIQ's and LibreDesk's names. */
export const publicConfig = z
  .object({
    app_name: z.string(),
    logo_url: z.string(),
    sso_providers: z.array(ssoProvider),
    languages: z.array(language),
    default_language: z.string(),
    "app.site_name": z.string(),
    "app.lang": z.string(),
    "app.logo_url": z.string(),
    "app.favicon_url": z.string(),
    "app.root_url": z.string(),
    "app.timezone": z.string(),
    "app.max_file_upload_size": int.describe("Megabytes."),
    "app.allowed_file_upload_extensions": z.array(z.string()),
    "app.sso_providers": z.array(ssoProvider),
    "app.edition": z.literal("ce"),
    "app.is_pro": z.literal(false),
    "app.ecommerce_providers": z.array(z.string()),
  })
  .meta({ id: "PublicConfig" });

/** A language pack: message key → text; `_.code` and `_.name` name the language. Sent bare, not in `{data}`. */
export const languagePack = z.record(z.string(), z.string()).meta({ id: "LanguagePack" });
