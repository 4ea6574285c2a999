import { TooLargeError } from "@helperiq/core/errors/index";
import { describeBytes } from "@helperiq/core/media/limits";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env.ts";
import { metaOf, type RouteMeta, withMeta } from "../route-meta.ts";

/**
 * Request bodies are limited by route class before anything reads them: from Content-Length at once (the
 * body is never read), or while a body without one streams in (reading stops just past the limit). Over
 * the limit is `413` in the usual envelope. Classes, from the middleware a route declares:
 * - anonymous routes (sign-in, password reset, the widget, unknown paths): ANONYMOUS_BODY_LIMIT;
 * - routes behind `auth()`: SIGNED_IN_BODY_LIMIT (a caller without credentials is refused by `auth()`
 *   before its body is parsed);
 * - uploads (`uploadLimit`, upload.ts): their own streaming limit, as large as the file they take;
 * - a route declaring `allowBody(n)`: n.
 */

/** The largest anonymous body is a widget message: 20,000 characters (at most 60,000 bytes of UTF-8) plus its page. */
export const ANONYMOUS_BODY_LIMIT = 64 * 1024;
/** The largest signed-in JSON field is a reply's HTML: 500,000 characters, under 2 MB in any script but the rarest. */
export const SIGNED_IN_BODY_LIMIT = 2 * 1024 * 1024;

/** A route's limit in bytes, or "upload" when its `uploadLimit` middleware bounds the body itself. */
export function bodyLimitOf(metas: readonly RouteMeta[]): number | "upload" {
  const declared = metas.find((m) => m.kind === "body-limit");
  if (declared) return declared.maxBytes;
  if (metas.some((m) => m.kind === "validate" && m.target === "form")) return "upload";
  return metas.some((m) => m.kind === "auth") ? SIGNED_IN_BODY_LIMIT : ANONYMOUS_BODY_LIMIT;
}

/** The declared middleware of the route that will answer: the first matched method route and its siblings. */
function answeringRouteMetas(c: Context): RouteMeta[] {
  const routes = matchedRoutes(c).filter((r) => r.method !== "ALL");
  const first = routes[0];
  if (!first) return [];
  return routes
    .filter((r) => r.method === first.method && r.path === first.path)
    .map((r) => metaOf(r.handler))
    .filter((m): m is RouteMeta => m !== undefined);
}

/** The app-wide middleware (app.ts), ahead of workspace resolution, authentication and parsing. */
export const requestBodyLimit = createMiddleware<AppEnv>((c, next) => {
  const limit = bodyLimitOf(answeringRouteMetas(c));
  if (limit === "upload") return next();
  return bodyLimit({
    maxSize: limit,
    onError: () => {
      throw new TooLargeError(`body: larger than the limit of ${describeBytes(limit)} for this route`);
    },
  })(c, next);
});

/** Declares that one route takes JSON bodies up to `maxBytes` (above its class's limit); `requestBodyLimit` enforces it. */
export function allowBody(maxBytes: number) {
  return withMeta(
    createMiddleware<AppEnv>((_c, next) => next()),
    { kind: "body-limit", maxBytes },
  );
}
