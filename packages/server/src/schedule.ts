import { describeError } from "@helperiq/core/errors/describe";
import { SCHEDULED_RUNS, type ScheduleDeps } from "@helperiq/core/job/run-scheduled";
import { SCHEDULE, type ScheduledJobName } from "@helperiq/core/job/schedule";

/** A job this process runs, and how often. */
export type ScheduledTimer = { name: ScheduledJobName; everyMs: number };

export type RunningSchedule = {
  /** Every job of SCHEDULE, as the cloud has a cron function for each. */
  jobs: readonly ScheduledTimer[];
  /** Runs one job now, as its timer would (tests, and an operator's "poll the inboxes now"). */
  run(name: ScheduledJobName): Promise<Record<string, number>>;
  stop(): void;
};

/**
 * The embedded scheduler: every job of the schedule table on its own timer (not keeping the process alive).
 * A failed run is logged under the job's name; the next one starts over, as every job is idempotent.
 */
export function startSchedule(deps: ScheduleDeps, log: (line: string) => void): RunningSchedule {
  const jobs: ScheduledTimer[] = [];
  const timers = SCHEDULE.map(({ name, everyMs }) => {
    const timer = setInterval(() => {
      SCHEDULED_RUNS[name](deps).catch((err) => log(`[${name}] ${describeError(err)}`));
    }, everyMs);
    timer.unref();
    jobs.push({ name, everyMs });
    return timer;
  });
  return {
    jobs,
    run: (name) => SCHEDULED_RUNS[name](deps),
    stop: () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
