import { NotFoundError } from "@helperiq/core/errors/index";
import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";

/** A day: the URL has no version, so a new build reaches browsers within a day (or at once on revalidation). */
const CACHE_CONTROL = "public, max-age=86400";

let tagged: { script: string; etag: string } | undefined;

/** `GET /widget.js` [HQ]: the embeddable script (AppConfig.widgetScript), cacheable, with an ETag. */
export async function serveWidgetScript(c: Context<AppEnv>) {
  const build = c.get("deps").config.widgetScript;
  if (!build) throw new NotFoundError("Widget script");
  const script = await build();
  if (tagged?.script !== script)
    tagged = { script, etag: `"${createHash("sha256").update(script).digest("base64url").slice(0, 32)}"` };
  c.header("ETag", tagged.etag);
  c.header("Cache-Control", CACHE_CONTROL);
  const match = c.req.header("if-none-match");
  if (match?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === tagged!.etag)) return c.body(null, 304);
  return c.body(script, 200, { "Content-Type": "application/javascript; charset=utf-8" });
}
