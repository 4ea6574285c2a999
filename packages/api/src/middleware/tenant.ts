import { NotFoundError } from "@helperiq/core/errors/index";
import { resolveTenantByHost } from "@helperiq/core/tenant/index";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";

/** Resolves the workspace from the Host header once per request; unknown hosts are 404. */
export const resolveTenant = createMiddleware<AppEnv>(async (c, next) => {
  const { database, config } = c.get("deps");
  const tenant = await resolveTenantByHost(database.db, requestHost(c), config.tenantRouting);
  if (!tenant) throw new NotFoundError("Workspace");
  c.set("tenant", tenant);
  await next();
});

/** The host the client asked for, as sent (port included): X-Forwarded-Host only behind a trusted proxy. */
export function requestHost(c: Context<AppEnv>): string {
  const forwarded = c.get("deps").config.trustForwardedHost ? c.req.header("x-forwarded-host") : undefined;
  return forwarded ?? c.req.header("host") ?? new URL(c.req.url).host;
}
