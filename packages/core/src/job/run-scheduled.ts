import { deleteExpiredSessions } from "../auth/cleanup.ts";
import { deleteStaleSignups } from "../signup/cleanup.ts";
import type { SystemDeps } from "../context/index.ts";
import { applyTrashRetention } from "../conversation/retention.ts";
import { wakeSnoozedConversations } from "../conversation/snooze.ts";
import { enqueueDuePolls } from "../mail-in/schedule.ts";
import { requeueUndelivered } from "../mail-out/resume.ts";
import { deleteOrphanUploads } from "../media/cleanup.ts";
import { autoRedactDue } from "../pci/auto-redact.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { RateCounter } from "../port/rate-counter.ts";
import type { WorkspaceSockets } from "../port/workspace-sockets.ts";
import { runWorkspaceJobs } from "../platform/workspace-jobs.ts";
import { enqueueResyncs } from "../rag/schedule.ts";
import type { ScheduledJobName } from "./schedule.ts";

/** What every runtime gives a scheduled job; a cloud function's ports beyond the job's `needs` refuse to work. */
export type ScheduleDeps = SystemDeps & { blobs: BlobStore; rateCounter: RateCounter; sockets: WorkspaceSockets };

/**
 * How long one `workspace-jobs` run keeps taking up work: a purge pauses between two units after it (and the
 * next run resumes it), well inside the cron function's 900 s; an export runs to its end once started.
 */
export const WORKSPACE_JOBS_BUDGET_MS = 10 * 60_000;

/** A job's counts for the log (`{ woken: 2 }`). */
export type ScheduledRun = (deps: ScheduleDeps) => Promise<Record<string, number>>;

/** What each job of SCHEDULE (schedule.ts) does; the record's type makes every job have exactly one. */
export const SCHEDULED_RUNS: Record<ScheduledJobName, ScheduledRun> = {
  "wake-snoozed": (deps) => wakeSnoozedConversations(deps, deps.clock.now()),
  "poll-inboxes": async (deps) => ({ enqueued: await enqueueDuePolls(deps.db, deps.queue, deps.clock.now()) }),
  "resume-deliveries": async (deps) => ({ enqueued: await requeueUndelivered(deps, deps.clock.now()) }),
  "cleanup-media": (deps) => deleteOrphanUploads(deps.db, deps.blobs, deps.clock.now()),
  "auto-redact": (deps) => autoRedactDue(deps, deps.clock.now()),
  "trash-retention": (deps) => applyTrashRetention(deps, deps.clock.now()),
  "rag-resync": async (deps) => ({ enqueued: await enqueueResyncs(deps.db, deps.queue) }),
  "workspace-jobs": (deps) => {
    const deadline = Date.now() + WORKSPACE_JOBS_BUDGET_MS;
    return runWorkspaceJobs(deps, { shouldPause: () => Date.now() > deadline });
  },
  "cleanup-sessions": async (deps) => ({
    deleted: await deleteExpiredSessions(deps.db, deps.clock.now()),
    signups: await deleteStaleSignups(deps.db, deps.clock.now()),
  }),
};

export function isScheduledJob(name: string): name is ScheduledJobName {
  return Object.hasOwn(SCHEDULED_RUNS, name);
}
