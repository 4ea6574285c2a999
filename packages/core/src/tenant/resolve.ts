import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { type TenantLimits, type TenantStatus, tenantDomains, tenants } from "./tenant.sql.ts";

export type TenantRouting = {
  /** `acme.<baseDomain>` resolves to the tenant with slug `acme`. */
  baseDomain?: string | undefined;
  /** Tenant used for any other host (the embedded single-tenant mode); unset in multi-tenant SaaS. */
  defaultSlug?: string | undefined;
};

/**
 * `status` is `active` or `suspended`: a workspace being deleted resolves to nothing. `limits` come with the row
 * the request's resolution reads anyway (read per request, never cached: a changed limit applies to the next one).
 */
export type TenantRef = {
  id: number;
  slug: string;
  name: string;
  status: Exclude<TenantStatus, "deleting">;
  limits: TenantLimits;
};

const refColumns = {
  id: tenants.id,
  slug: tenants.slug,
  name: tenants.name,
  status: tenants.status,
  limits: tenants.limits,
};

/** Strips the port and a trailing dot, lower-cases. Returns "" for a missing host. */
export function normaliseHost(host: string | null | undefined): string {
  if (!host) return "";
  const h = host.trim().toLowerCase();
  const bare = h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.split(":")[0]!;
  return bare.endsWith(".") ? bare.slice(0, -1) : bare;
}

/** Custom domain first, then `<slug>.<baseDomain>`, then the default tenant if configured. */
export async function resolveTenantByHost(db: Db, rawHost: string | null | undefined, routing: TenantRouting) {
  const host = normaliseHost(rawHost);
  if (host) {
    const [custom] = await db
      .select(refColumns)
      .from(tenantDomains)
      .innerJoin(tenants, eq(tenants.id, tenantDomains.tenantId))
      .where(and(eq(tenantDomains.hostname, host), isNotNull(tenantDomains.verifiedAt)))
      .limit(1);
    if (custom) return servable(custom);
    const base = routing.baseDomain?.toLowerCase();
    if (base && host.endsWith(`.${base}`)) {
      const slug = host.slice(0, -(base.length + 1));
      return slug.includes(".") ? null : findTenantBySlug(db, slug);
    }
  }
  return routing.defaultSlug ? findTenantBySlug(db, routing.defaultSlug) : null;
}

/** The workspace's verified custom domain (the first by name when it has several), or null. */
export async function firstCustomDomain(db: Db, tenantId: number): Promise<string | null> {
  const [row] = await db
    .select({ hostname: tenantDomains.hostname })
    .from(tenantDomains)
    .where(and(eq(tenantDomains.tenantId, tenantId), isNotNull(tenantDomains.verifiedAt)))
    .orderBy(asc(tenantDomains.hostname))
    .limit(1);
  return row?.hostname ?? null;
}

export async function findTenantBySlug(db: Db, slug: string): Promise<TenantRef | null> {
  const [row] = await db.select(refColumns).from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return row ? servable(row) : null;
}

function servable(row: Omit<TenantRef, "status"> & { status: TenantStatus }): TenantRef | null {
  return row.status === "deleting" ? null : { ...row, status: row.status };
}
