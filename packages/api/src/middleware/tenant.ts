import { NotFoundError } from "@helperiq/core/errors/index";
import { resolveTenantByHost } from "@helperiq/core/tenant/index";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";

/** Resolves the workspace from the Host header once per request; unknown hosts are 404. */
export const resolveTenant = createMiddleware<AppEnv>(async (c, next) => {
  const { database, config } = c.get("deps");
  const forwarded = config.trustForwardedHost ? c.req.header("x-forwarded-host") : undefined;
  const host = forwarded ?? c.req.header("host") ?? new URL(c.req.url).host;
  const tenant = await resolveTenantByHost(database.db, host, config.tenantRouting);
  if (!tenant) throw new NotFoundError("Workspace");
  c.set("tenant", tenant);
  await next();
});
