import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { type TenantLimits, type TenantStatus, tenantDomains, tenants } from "../tenant/tenant.sql.ts";

export type WorkspaceDomain = { hostname: string; verified: boolean };

/** A workspace as the operator sees it (platform API and CLI). */
export type WorkspaceView = {
  id: number;
  slug: string;
  name: string;
  status: TenantStatus;
  plan: string;
  limits: TenantLimits;
  domains: WorkspaceDomain[];
  suspended_at: string | null;
  suspended_reason: string | null;
  deleted_at: string | null;
  created_at: string;
};

export const workspaceColumns = {
  id: tenants.id,
  slug: tenants.slug,
  name: tenants.name,
  status: tenants.status,
  plan: tenants.plan,
  limits: tenants.limits,
  suspendedAt: tenants.suspendedAt,
  suspendedReason: tenants.suspendedReason,
  deletedAt: tenants.deletedAt,
  createdAt: tenants.createdAt,
};

type WorkspaceRow = {
  id: number;
  slug: string;
  name: string;
  status: TenantStatus;
  plan: string;
  limits: TenantLimits;
  suspendedAt: Date | null;
  suspendedReason: string | null;
  deletedAt: Date | null;
  createdAt: Date;
};

/** The views of `rows`, in their order, with each one's domains (one query for all). */
export async function workspaceViews(db: Db, rows: WorkspaceRow[]): Promise<WorkspaceView[]> {
  const ids = rows.map((r) => r.id);
  const domains = ids.length
    ? await db
        .select({
          tenantId: tenantDomains.tenantId,
          hostname: tenantDomains.hostname,
          verifiedAt: tenantDomains.verifiedAt,
        })
        .from(tenantDomains)
        .where(inArray(tenantDomains.tenantId, ids))
        .orderBy(asc(tenantDomains.hostname))
    : [];
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    status: r.status,
    plan: r.plan,
    limits: r.limits,
    domains: domains
      .filter((d) => d.tenantId === r.id)
      .map((d) => ({ hostname: d.hostname, verified: d.verifiedAt !== null })),
    suspended_at: r.suspendedAt?.toISOString() ?? null,
    suspended_reason: r.suspendedReason,
    deleted_at: r.deletedAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
  }));
}

/** The workspace row with this slug, whatever its status, or null. */
export async function findWorkspaceRow(db: Db, slug: string): Promise<WorkspaceRow | null> {
  const [row] = await db.select(workspaceColumns).from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return row ?? null;
}
