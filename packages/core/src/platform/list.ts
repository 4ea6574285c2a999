import { and, asc, eq, exists, or, sql } from "drizzle-orm";
import { NotFoundError } from "../errors/index.ts";
import { offsetOf, type PageRequest, type PageResult, pageResult } from "../page/index.ts";
import type { Db } from "../port/database.ts";
import { type TenantStatus, tenantDomains, tenants } from "../tenant/tenant.sql.ts";
import { type WorkspaceUsage, workspaceUsage } from "./usage.ts";
import { findWorkspaceRow, type WorkspaceView, workspaceColumns, workspaceViews } from "./view.ts";

export type WorkspaceWithUsage = WorkspaceView & { usage: WorkspaceUsage };

/**
 * A page of workspaces by slug, each with its usage. `search` keeps those whose slug, name or one of whose
 * domains contains it (case-insensitive plain substring: strpos, so `%` and `_` match literally).
 */
export async function listWorkspaces(
  db: Db,
  q: PageRequest & { search?: string | undefined; status?: TenantStatus | undefined },
): Promise<PageResult<WorkspaceWithUsage>> {
  const needle = q.search?.trim().toLowerCase();
  const where = and(
    q.status ? eq(tenants.status, q.status) : undefined,
    needle
      ? or(
          sql`strpos(${tenants.slug}, ${needle}) > 0`,
          sql`strpos(lower(${tenants.name}), ${needle}) > 0`,
          exists(
            db
              .select({ one: sql`1` })
              .from(tenantDomains)
              .where(
                and(eq(tenantDomains.tenantId, tenants.id), sql`strpos(${tenantDomains.hostname}, ${needle}) > 0`),
              ),
          ),
        )
      : undefined,
  );
  const [rows, [count]] = await Promise.all([
    db
      .select(workspaceColumns)
      .from(tenants)
      .where(where)
      .orderBy(asc(tenants.slug))
      .limit(q.pageSize)
      .offset(offsetOf(q)),
    db.select({ n: sql<number>`count(*)::int` }).from(tenants).where(where),
  ]);
  return pageResult(await withUsage(db, await workspaceViews(db, rows)), count!.n, q);
}

/** One workspace, whatever its status (one being deleted shows as `deleting` until its purge ends). */
export async function getWorkspace(db: Db, slug: string): Promise<WorkspaceWithUsage> {
  const row = await findWorkspaceRow(db, slug);
  if (!row) throw new NotFoundError("Workspace");
  return (await withUsage(db, await workspaceViews(db, [row])))[0]!;
}

async function withUsage(db: Db, views: WorkspaceView[]): Promise<WorkspaceWithUsage[]> {
  const usage = await workspaceUsage(
    db,
    views.map((v) => v.id),
  );
  return views.map((v) => ({ ...v, usage: usage.get(v.id)! }));
}
