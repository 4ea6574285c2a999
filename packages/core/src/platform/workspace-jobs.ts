import { and, asc, eq, lt, or, sql } from "drizzle-orm";
import { errorReason } from "../errors/describe.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
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
 * The runner of both runtimes (the `workspace-jobs` scheduled job): removes expired export archives, then
 * claims and runs queued and stale jobs one after another until none is left or `shouldPause` says the time is up.
 */
export async function runWorkspaceJobs(
  deps: WorkspaceJobDeps,
  options: RunOptions = {},
): Promise<{ done: number; queued: number; failed: number; archives_removed: number }> {
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
