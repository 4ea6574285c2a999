import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./env.ts";
import { PLATFORM_PREFIX, TENANTLESS_PATHS, TENANTLESS_PREFIXES } from "./routes.ts";
import { requestBodyLimit } from "./middleware/body-limit.ts";
import { notFound, onError } from "./middleware/errors.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { requestId } from "./middleware/request-id.ts";
import { storableUrl } from "./middleware/url-input.ts";
import { requireDeclaredJson } from "./middleware/envelope.ts";
import { resolveTenant } from "./middleware/tenant.ts";

/**
 * Composes endpoint families behind the shared middleware. The embedded server mounts all of them
 * (`FAMILIES`); each Lambda imports and mounts only its own, so its bundle holds only that family's code.
 */
export function createApp(deps: AppDeps, families: readonly Hono<AppEnv>[]) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(notFound);
  app.use("*", requestId);
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  // Before anything reads the body, and before the workspace lookup: an oversized body is refused at once.
  app.use("*", requestBodyLimit);
  app.use("*", storableUrl);
  // Everything but the few workspace-less routes (health checks) runs inside a resolved workspace. The
  // operator's platform API is outside every workspace: its own gate (families/platform/access.ts) decides.
  const tenantless = new Set<string>(TENANTLESS_PATHS);
  app.use("*", (c, next) =>
    tenantless.has(c.req.path) ||
    TENANTLESS_PREFIXES.some((prefix) => c.req.path.startsWith(prefix)) ||
    c.req.path.startsWith(PLATFORM_PREFIX)
      ? next()
      : resolveTenant(c, next),
  );
  // By path, before any family: it also counts requests no route answers (404s under limited prefixes).
  app.use("*", rateLimit);
  // In the suites, a JSON answer no `responds()` declared is a 500 (declared ones are checked by theirs).
  if (deps.config.checkResponses) app.use("*", requireDeclaredJson);
  for (const family of families) app.route("/", family);
  return app;
}
