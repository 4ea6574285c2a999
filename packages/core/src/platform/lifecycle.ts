import { and, eq, inArray } from "drizzle-orm";
import { ConflictError, NotFoundError } from "../errors/index.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import { WORKSPACE_CLOSE, type WorkspaceSockets } from "../port/workspace-sockets.ts";
import { tenants } from "../tenant/tenant.sql.ts";
import type { WorkspaceUpdateInput } from "./input.ts";
import { getWorkspace, type WorkspaceWithUsage } from "./list.ts";
import { workspaceJobs } from "./platform.sql.ts";

/** What the operator's lifecycle operations run with. */
export type PlatformDeps = { db: Db; clock: Clock };

/**
 * What suspension and deletion also need: the runtime's open WebSockets, closed once the status is committed
 * (the handshake refuses new ones from then on, so a socket opened before must not outlive the change).
 */
export type LifecycleDeps = PlatformDeps & { sockets: WorkspaceSockets };

/**
 * Locks the workspace's row for the rest of `tx` and returns it; 404 when there is none, 409 when it is
 * being deleted (nothing about it can change any more).
 */
async function lockLive(tx: Db, slug: string) {
  const [row] = await tx
    .select({ id: tenants.id, status: tenants.status })
    .from(tenants)
    .where(eq(tenants.slug, slug))
    .for("update")
    .limit(1);
  if (!row) throw new NotFoundError("Workspace");
  if (row.status === "deleting") throw new ConflictError(`slug: workspace "${slug}" is being deleted`);
  return row;
}

/** Name, plan and/or limits (`limits` replaces the stored limits as a whole). */
export async function updateWorkspace(
  deps: PlatformDeps,
  slug: string,
  input: WorkspaceUpdateInput,
): Promise<WorkspaceWithUsage> {
  await deps.db.transaction(async (tx) => {
    const row = await lockLive(tx, slug);
    await tx
      .update(tenants)
      .set({
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.plan === undefined ? {} : { plan: input.plan }),
        ...(input.limits === undefined ? {} : { limits: input.limits }),
      })
      .where(eq(tenants.id, row.id));
  });
  return getWorkspace(deps.db, slug);
}

/**
 * Suspends the workspace: every route of it answers 403 (with `reason` when given), its open WebSockets are
 * closed (WORKSPACE_CLOSE.suspended) and its jobs and pollers skip it; nothing is deleted. Suspending a suspended workspace replaces the reason and keeps the first date.
 */
export async function suspendWorkspace(
  deps: LifecycleDeps,
  slug: string,
  reason?: string | undefined,
): Promise<WorkspaceWithUsage> {
  const id = await deps.db.transaction(async (tx) => {
    const row = await lockLive(tx, slug);
    await tx
      .update(tenants)
      .set({
        status: "suspended",
        suspendedReason: reason ?? null,
        ...(row.status === "suspended" ? {} : { suspendedAt: deps.clock.now() }),
      })
      .where(eq(tenants.id, row.id));
    return row.id;
  });
  await deps.sockets.closeWorkspace(id, WORKSPACE_CLOSE.suspended.reason, WORKSPACE_CLOSE.suspended.code);
  return getWorkspace(deps.db, slug);
}

/** Lifts a suspension (a no-op on an active workspace). */
export async function resumeWorkspace(deps: PlatformDeps, slug: string): Promise<WorkspaceWithUsage> {
  await deps.db.transaction(async (tx) => {
    const row = await lockLive(tx, slug);
    await tx
      .update(tenants)
      .set({ status: "active", suspendedAt: null, suspendedReason: null })
      .where(eq(tenants.id, row.id));
  });
  return getWorkspace(deps.db, slug);
}

export type PurgeJobView = { id: number; kind: "purge"; status: string; created_at: string };

/**
 * Accepts the workspace's deletion: status `deleting` (its hosts answer 404 from now on, core/tenant/resolve.ts)
 * and a queued `purge` job in workspace_jobs, which the purge runner works through. Asking again while it is
 * being deleted returns the same job.
 */
export async function requestWorkspaceDeletion(
  deps: LifecycleDeps,
  slug: string,
  requestedBy: string,
): Promise<{ workspace: WorkspaceWithUsage; job: PurgeJobView }> {
  const job = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: tenants.id, status: tenants.status })
      .from(tenants)
      .where(eq(tenants.slug, slug))
      .for("update")
      .limit(1);
    if (!row) throw new NotFoundError("Workspace");
    if (row.status === "deleting") {
      const [pending] = await tx
        .select()
        .from(workspaceJobs)
        .where(
          and(
            eq(workspaceJobs.tenantId, row.id),
            eq(workspaceJobs.kind, "purge"),
            inArray(workspaceJobs.status, ["queued", "running"]),
          ),
        )
        .limit(1);
      if (pending) return pending;
    }
    const now = deps.clock.now();
    await tx.update(tenants).set({ status: "deleting", deletedAt: now }).where(eq(tenants.id, row.id));
    const [queued] = await tx
      .insert(workspaceJobs)
      .values({ tenantId: row.id, tenantSlug: slug, kind: "purge", requestedBy, createdAt: now, updatedAt: now })
      .returning();
    return queued!;
  });
  // The purge's first step closes them too; its job may wait for the next sweep, the sockets must not.
  await deps.sockets.closeWorkspace(job.tenantId, WORKSPACE_CLOSE.deleted.reason, WORKSPACE_CLOSE.deleted.code);
  return {
    workspace: await getWorkspace(deps.db, slug),
    job: { id: job.id, kind: "purge", status: job.status, created_at: job.createdAt.toISOString() },
  };
}
