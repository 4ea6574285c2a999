import { and, asc, eq, gte, lt, or, sql } from "drizzle-orm";
import { errorReason } from "../errors/describe.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import { WORKSPACE_CLOSE } from "../port/workspace-sockets.ts";
import { tenants } from "../tenant/tenant.sql.ts";
import { workspaceJobs } from "./platform.sql.ts";
import { initialPurgeState, purgeProgress, runPurge, type PurgeDeps, type PurgeState } from "./purge.ts";
import { discardExportParts, runExport, type ExportDeps, type ExportState } from "./export.ts";
import { removeExpiredExports } from "./export-jobs.ts";

export type WorkspaceJob = typeof workspaceJobs.$inferSelect;

export type WorkspaceJobDeps = PurgeDeps & ExportDeps & { clock: Clock };

/**
 * A `running` job whose row has not moved for this long was left by a process that died: the next sweep
 * takes it over. Every unit of work saves the row, so a live job is never this quiet.
 */
export const STALE_AFTER_MS = 5 * 60_000;

/** Failed runs in a row before a job is marked failed for good (an operator reruns it: `workspace delete` again). */
export const MAX_ATTEMPTS = 5;

/**
 * Takes one job to run: queued, or running but stale. The claim is one conditional UPDATE, so two sweeps
 * (two servers, two cron invocations) never both take the same job.
 */
export async function claimWorkspaceJob(db: Db, now: Date, onlyId?: number): Promise<WorkspaceJob | undefined> {
  const claimable = or(
    eq(workspaceJobs.status, "queued"),
    and(eq(workspaceJobs.status, "running"), lt(workspaceJobs.updatedAt, new Date(now.getTime() - STALE_AFTER_MS))),
  );
  const next = db
    .select({ id: workspaceJobs.id })
    .from(workspaceJobs)
    .where(onlyId === undefined ? claimable : and(claimable, eq(workspaceJobs.id, onlyId)))
    .orderBy(asc(workspaceJobs.id))
    .limit(1);
  const [job] = await db
    .update(workspaceJobs)
    .set({ status: "running", updatedAt: now })
    .where(and(sql`${workspaceJobs.id} = ${next}`, claimable))
    .returning();
  return job;
}

/** A job's progress as saved after a unit of work: `state.purge` (PurgeState) or `state.export` (ExportState). */
export type JobProgress = {
  id: number;
  kind: string;
  progress: Record<string, unknown>;
  state: Record<string, unknown>;
};

export type RunOptions = {
  /** Stop between two units of work once this returns true (the cron function's time budget); the job waits queued. */
  shouldPause?: () => boolean;
  /**
   * Called after every unit, once it is saved, with the job's progress and state (the CLI prints them, table by
   * table; tests inject failures here).
   */
  onProgress?: (job: JobProgress) => void | Promise<void>;
};

/**
 * Runs one claimed job from its saved state. A failure is recorded (`error`) and the job is queued again,
 * resuming from where it stopped, until MAX_ATTEMPTS failures in a row make it `failed`.
 */
export async function runWorkspaceJob(
  deps: WorkspaceJobDeps,
  job: WorkspaceJob,
  options: RunOptions = {},
): Promise<WorkspaceJob["status"]> {
  const { db, clock } = deps;
  const shouldPause = options.shouldPause ?? (() => false);
  const attempts = Number(job.state.attempts ?? 0);
  const save = async (state: Record<string, unknown>, progress: Record<string, unknown>) => {
    await db
      .update(workspaceJobs)
      .set({ state: { ...state, attempts }, progress, updatedAt: clock.now() })
      .where(eq(workspaceJobs.id, job.id));
    await options.onProgress?.({ id: job.id, kind: job.kind, progress, state });
  };
  try {
    let finished: boolean;
    let result: Record<string, unknown> | undefined;
    let expiresAt: Date | undefined;
    if (job.kind === "purge") {
      const from = (job.state.purge as PurgeState | undefined) ?? initialPurgeState();
      const end = await runPurge(
        deps,
        job.tenantId,
        from,
        (state) => save({ purge: state }, { ...purgeProgress(state) }),
        shouldPause,
      );
      finished = end.step === "done";
      result = { deleted: end.deleted };
    } else {
      const end = await runExport(
        deps,
        job,
        (job.state.export as ExportState | undefined) ?? undefined,
        (state, progress) => save({ export: state }, progress),
      );
      finished = true;
      result = end.result;
      expiresAt = end.expiresAt;
    }
    const now = clock.now();
    await db
      .update(workspaceJobs)
      .set(
        finished
          ? {
              status: "done",
              result,
              error: null,
              finishedAt: now,
              updatedAt: now,
              ...(expiresAt ? { expiresAt } : {}),
            }
          : { status: "queued", updatedAt: now },
      )
      .where(eq(workspaceJobs.id, job.id));
    return finished ? "done" : "queued";
  } catch (err) {
    const failed = attempts + 1 >= MAX_ATTEMPTS;
    const [row] = await db
      .select({ state: workspaceJobs.state })
      .from(workspaceJobs)
      .where(eq(workspaceJobs.id, job.id));
    await db
      .update(workspaceJobs)
      .set({
        status: failed ? "failed" : "queued",
        error: errorReason(err),
        state: { ...(row?.state ?? job.state), attempts: attempts + 1 },
        updatedAt: clock.now(),
        ...(failed ? { finishedAt: clock.now() } : {}),
      })
      .where(eq(workspaceJobs.id, job.id));
    console.error(`[workspace-jobs] ${job.kind} ${job.id} of ${job.tenantSlug} failed: ${errorReason(err)}`);
    // A failed export is never resumed (a new request is a new job): its stored part files go.
    if (failed && job.kind === "export")
      await discardExportParts(deps.blobs, job.id).catch((e) =>
        console.error(`[workspace-jobs] export ${job.id}: its part files stay: ${errorReason(e)}`),
      );
    return failed ? "failed" : "queued";
  }
}

/**
 * Workspaces suspended this recently have their sockets closed again by every sweep. A suspension closes them
 * itself where it can reach them; this catches one made where it could not (the CLI against the database of an
 * AWS deployment, SQL). The handshake refuses new sockets from the moment of suspension, so a few sweeps after
 * it leave none open, and long-suspended workspaces cost nothing.
 */
export const SUSPENSION_SWEEP_MS = 10 * 60_000;

async function closeRecentlySuspended(deps: WorkspaceJobDeps, now: Date): Promise<void> {
  try {
    const recent = await deps.db
      .select({ id: tenants.id })
      .from(tenants)
      .where(
        and(eq(tenants.status, "suspended"), gte(tenants.suspendedAt, new Date(now.getTime() - SUSPENSION_SWEEP_MS))),
      );
    const { code, reason } = WORKSPACE_CLOSE.suspended;
    for (const { id } of recent) await deps.sockets.closeWorkspace(id, reason, code);
  } catch (err) {
    // The jobs do not wait on it: the next sweep tries again.
    console.error(`[workspace-jobs] closing suspended workspaces' sockets failed: ${errorReason(err)}`);
  }
}

/**
 * The runner of both runtimes (the `workspace-jobs` scheduled job): removes expired export archives, then
 * claims and runs queued and stale jobs one after another until none is left or `shouldPause` says the time is up.
 */
export async function runWorkspaceJobs(
  deps: WorkspaceJobDeps,
  options: RunOptions = {},
): Promise<{ done: number; queued: number; failed: number; archives_removed: number }> {
  await closeRecentlySuspended(deps, deps.clock.now());
  const archives_removed = await removeExpiredExports(deps, deps.clock.now());
  const counts = { done: 0, queued: 0, failed: 0, archives_removed };
  for (;;) {
    if (options.shouldPause?.()) break;
    const job = await claimWorkspaceJob(deps.db, deps.clock.now());
    if (!job) break;
    const status = await runWorkspaceJob(deps, job, options);
    counts[status as keyof typeof counts]++;
    // A job that failed or paused went back to the queue: it waits for the next sweep rather than looping here.
    if (status === "queued") break;
  }
  return counts;
}
