import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./env.ts";
import { FAMILIES, type FamilyName } from "./families/index.ts";
import { notFound, onError } from "./middleware/errors.ts";
import { requestId } from "./middleware/request-id.ts";
import { resolveTenant } from "./middleware/tenant.ts";

/**
 * Composes the given families (default: all) behind the shared middleware. The embedded server mounts
 * everything; each Lambda mounts only its own family, so its bundle pulls in only that family's code.
 */
export function createApp(deps: AppDeps, families: readonly FamilyName[] = Object.keys(FAMILIES) as FamilyName[]) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(notFound);
  app.use("*", requestId);
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  // Everything but the few workspace-less routes (health checks) runs inside a resolved workspace.
  const tenantless = new Set(Object.values(FAMILIES).flatMap((f) => (f.tenant ? [] : f.app.routes.map((r) => r.path))));
  app.use("*", (c, next) => (tenantless.has(c.req.path) ? next() : resolveTenant(c, next)));
  for (const name of families) app.route("/", FAMILIES[name].app);
  return app;
}
