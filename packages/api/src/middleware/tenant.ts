import { NotFoundError } from "@helperiq/core/errors/index";
import { resolveTenantByHost } from "@helperiq/core/tenant/index";
import { assertNotSuspended } from "@helperiq/core/tenant/suspension";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { rateBucketOf } from "../rate-buckets.ts";
import { exposeErrorToWidget } from "./rate-limit.ts";

/**
 * Resolves the workspace from the Host header once per request; unknown hosts (and workspaces being
 * deleted) are 404, a suspended workspace is 403 on every route, with the operator's reason.
 */
export const resolveTenant = createMiddleware<AppEnv>(async (c, next) => {
  const { database, config } = c.get("deps");
  const tenant = await resolveTenantByHost(database.db, requestHost(c), config.tenantRouting);
  if (!tenant) throw new NotFoundError("Workspace");
  if (tenant.status === "suspended" && rateBucketOf(c.req.path) === "widget") exposeErrorToWidget(c);
  await assertNotSuspended(database.db, tenant);
  c.set("tenant", tenant);
  await next();
});

/** The host the client asked for, as sent (port included): X-Forwarded-Host only behind a trusted proxy. */
export function requestHost(c: Context<AppEnv>): string {
  const forwarded = c.get("deps").config.trustForwardedHost ? c.req.header("x-forwarded-host") : undefined;
  return forwarded ?? c.req.header("host") ?? new URL(c.req.url).host;
}
