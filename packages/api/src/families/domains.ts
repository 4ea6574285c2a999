import {
  addCustomDomain,
  domainVerificationToken,
  type DomainSettings,
  getCustomDomain,
  listCustomDomains,
  removeCustomDomain,
  verifyCustomDomain,
} from "@helperiq/core/custom-domain/domains";
import { NotFoundError } from "@helperiq/core/errors/index";
import { WELL_KNOWN_PATH } from "@helperiq/core/custom-domain/verification";
import { normaliseHost } from "@helperiq/core/tenant/index";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { auth } from "../middleware/auth.ts";
import { ok, responds, respondsRaw } from "../middleware/envelope.ts";
import { requestHost } from "../middleware/tenant.ts";
import { customDomain } from "../responses/domain.ts";
import { operatorHosts } from "./platform/access.ts";
import { done } from "../responses/scalars.ts";
import { validate } from "../validate.ts";

/** Managing a workspace's domains is a workspace setting. */
const PERMISSION = "general_settings:manage";

export function domainSettings(c: Context<AppEnv>): DomainSettings {
  const { config } = c.get("deps");
  return {
    baseDomain: config.tenantRouting.baseDomain,
    reservedHosts: operatorHosts(config),
    httpPort: config.domainVerificationPort,
  };
}

/** A domain to claim (the admin's and the operator's routes). */
export const newDomain = z.strictObject({ hostname: z.string().min(1, "required").max(300) });

/**
 * Custom domains of the request's workspace (`/api/v1/domains`), and the verification answer every host
 * serves (`GET /.well-known/helperiq-domain-verification`, workspace-less: an unverified domain resolves to no
 * workspace, yet must answer its token through this service to be verified).
 */
export const domainsFamily = new Hono<AppEnv>()
  .get("/api/v1/domains", auth(PERMISSION), responds(z.array(customDomain)), async (c) =>
    ok(c, await listCustomDomains(c.get("deps").database.db, c.get("tenant"), domainSettings(c))),
  )
  .post("/api/v1/domains", auth(PERMISSION), validate("json", newDomain), responds(customDomain, 201), async (c) => {
    const { database, clock } = c.get("deps");
    const { hostname } = c.req.valid("json");
    return ok(c, await addCustomDomain(database.db, c.get("tenant"), hostname, domainSettings(c), clock.now()));
  })
  .get("/api/v1/domains/:hostname", auth(PERMISSION), responds(customDomain), async (c) =>
    ok(
      c,
      await getCustomDomain(c.get("deps").database.db, c.get("tenant"), c.req.param("hostname"), domainSettings(c)),
    ),
  )
  .post("/api/v1/domains/:hostname/verify", auth(PERMISSION), responds(customDomain), async (c) => {
    const { database, outbound, dns, clock } = c.get("deps");
    const settings = domainSettings(c);
    const ports = { outbound, dns, httpPort: settings.httpPort };
    return ok(
      c,
      await verifyCustomDomain(database.db, ports, c.get("tenant"), c.req.param("hostname"), settings, clock.now()),
    );
  })
  .delete("/api/v1/domains/:hostname", auth(PERMISSION), responds(done), async (c) => {
    await removeCustomDomain(c.get("deps").database.db, c.get("tenant").id, c.req.param("hostname"));
    return ok(c, true as const);
  })
  .get(
    WELL_KNOWN_PATH,
    respondsRaw({
      status: 200,
      contentType: "text/plain",
      description: "The verification token pending for the request's host (404 for a host nobody claimed).",
    }),
    async (c) => {
      const token = await domainVerificationToken(c.get("deps").database.db, normaliseHost(requestHost(c)));
      if (!token) throw new NotFoundError("Domain verification for this host");
      c.header("Cache-Control", "no-store");
      return c.text(token, 200);
    },
  );
