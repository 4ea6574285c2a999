/**
 * The periodic jobs, declared once for both runtimes: the embedded server runs each on a timer
 * (packages/server/src/schedule.ts), the cloud gets one cron function per job (infra/cron.ts). What each
 * job does is in run-scheduled.ts, keyed by these names. This file imports nothing, so infra/ reads it
 * without loading domain code.
 */

/** What a job reaches besides the database and the clock; infra/ links exactly these to its cron function. */
export type ScheduleNeed = "queue" | "realtime" | "blobs" | "rate-counters";

export type ScheduledJob = {
  /** The job's name: the log prefix, and the cron function's name in the cloud (as PascalCase). */
  name: string;
  everyMs: number;
  needs: readonly ScheduleNeed[];
  /** The cloud function's timeout, for jobs working through a batch; absent, the platform's default. */
  maxRunSeconds?: number;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const SCHEDULE = [
  // Due snoozed conversations reopen (conversation/snooze.ts); agents see it live.
  { name: "wake-snoozed", everyMs: MINUTE, needs: ["realtime"] },
  // inbox.poll for each due email inbox (mail-in/schedule.ts); the queue worker imports the mail.
  { name: "poll-inboxes", everyMs: MINUTE, needs: ["queue"] },
  // Mail whose run died, once its delivery lease ran out (mail-out/resume.ts).
  { name: "resume-deliveries", everyMs: 5 * MINUTE, needs: ["queue"] },
  // Uploads no message took, rows and bytes (media/cleanup.ts).
  { name: "cleanup-media", everyMs: HOUR, needs: ["blobs"], maxRunSeconds: 300 },
  // The PCI safety net (pci/auto-redact.ts).
  { name: "auto-redact", everyMs: HOUR, needs: ["realtime"], maxRunSeconds: 300 },
  // Each workspace's trash retention (conversation/retention.ts); deleted conversations' files go with cleanup-media.
  { name: "trash-retention", everyMs: HOUR, needs: ["realtime"], maxRunSeconds: 300 },
  // rag.sync for every enabled knowledge source (rag/schedule.ts); unchanged chunks cost no embeddings.
  { name: "rag-resync", everyMs: HOUR, needs: ["queue"] },
  // Workspace purges and exports, queued or left by a process that died (platform/workspace-jobs.ts): the purge
  // closes the workspace's WebSockets (realtime), forgets its rate counters and deletes its media (blobs).
  { name: "workspace-jobs", everyMs: MINUTE, needs: ["blobs", "realtime", "rate-counters"], maxRunSeconds: 900 },
  // Expired agent and widget sessions of every workspace (auth/cleanup.ts), and sign-ups dead for a day (signup/cleanup.ts).
  { name: "cleanup-sessions", everyMs: 24 * HOUR, needs: [] },
] as const satisfies readonly ScheduledJob[];

export type ScheduledJobName = (typeof SCHEDULE)[number]["name"];
