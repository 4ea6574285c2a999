import {
  addCustomDomain,
  listCustomDomains,
  removeCustomDomain,
  verifyCustomDomain,
} from "@helperiq/core/custom-domain/domains";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { ok, responds } from "../../middleware/envelope.ts";
import { customDomain } from "../../responses/domain.ts";
import { done } from "../../responses/scalars.ts";
import { validate } from "../../validate.ts";
import { domainSettings, newDomain } from "../domains.ts";
import { liveWorkspace, slugParam } from "./workspace-param.ts";

const domainParam = slugParam.extend({ hostname: z.string().min(1).max(253) });

const owner = (c: Context<AppEnv>, slug: string) => liveWorkspace(c.get("deps").database.db, slug);

/**
 * The operator's hand on a workspace's custom domains: the same operations as the workspace admin's
 * `/api/v1/domains` (core/custom-domain), by slug, e.g. to set a customer's domain up for them.
 */
export const domainRoutes = new Hono<AppEnv>()
  .get(
    "/platform/v1/workspaces/:slug/domains",
    validate("param", slugParam),
    responds(z.array(customDomain)),
    async (c) => {
      const tenant = await owner(c, c.req.valid("param").slug);
      return ok(c, await listCustomDomains(c.get("deps").database.db, tenant, domainSettings(c)));
    },
  )
  .post(
    "/platform/v1/workspaces/:slug/domains",
    validate("param", slugParam),
    validate("json", newDomain),
    responds(customDomain, 201),
    async (c) => {
      const tenant = await owner(c, c.req.valid("param").slug);
      const { hostname } = c.req.valid("json");
      c.set("platformAudit", { slug: tenant.slug, detail: { hostname } });
      const { database, clock } = c.get("deps");
      return ok(c, await addCustomDomain(database.db, tenant, hostname, domainSettings(c), clock.now()), 201);
    },
  )
  .post(
    "/platform/v1/workspaces/:slug/domains/:hostname/verify",
    validate("param", domainParam),
    responds(customDomain),
    async (c) => {
      const { slug, hostname } = c.req.valid("param");
      const tenant = await owner(c, slug);
      c.set("platformAudit", { slug: tenant.slug, detail: { hostname } });
      const { database, outbound, dns, clock } = c.get("deps");
      const settings = domainSettings(c);
      const ports = { outbound, dns, httpPort: settings.httpPort };
      return ok(c, await verifyCustomDomain(database.db, ports, tenant, hostname, settings, clock.now()));
    },
  )
  .delete(
    "/platform/v1/workspaces/:slug/domains/:hostname",
    validate("param", domainParam),
    responds(done),
    async (c) => {
      const { slug, hostname } = c.req.valid("param");
      const tenant = await owner(c, slug);
      c.set("platformAudit", { slug: tenant.slug, detail: { hostname } });
      await removeCustomDomain(c.get("deps").database.db, tenant.id, hostname);
      return ok(c, true as const);
    },
  );
