import { SCHEDULE, type ScheduledJob, type ScheduleNeed } from "../packages/core/src/job/schedule";
import { databaseEnvironment, LAMBDA_ESBUILD, NODE_RUNTIME } from "./lambda";
import { jobs } from "./queue";
import { rateCounters } from "./ratelimit";
import { realtimeEnvironment, realtimeLinks } from "./realtime";
import { secretKeys } from "./secrets";
import { media } from "./storage";

/**
 * What each need links and sets: the jobs queue; the realtime registry and management endpoint (events are
 * pushed, and widget attachment URLs signed with SECRET_KEYS); the media bucket; the rate counters table.
 */
const NEEDS: Record<ScheduleNeed, { link: unknown[]; environment: () => Record<string, $util.Input<string>> }> = {
  queue: { link: [jobs], environment: () => ({ QUEUE_URL: jobs.url }) },
  realtime: { link: realtimeLinks, environment: () => ({ ...realtimeEnvironment(), SECRET_KEYS: secretKeys.value }) },
  blobs: { link: [media], environment: () => ({ MEDIA_BUCKET: media.name }) },
  "rate-counters": { link: [rateCounters], environment: () => ({ RATE_TABLE: rateCounters.name }) },
};

/**
 * One cron function per job of the schedule table the embedded server runs too (packages/core/src/job/
 * schedule.ts): functions/cron/run.ts with CRON_JOB naming the job, linked to exactly what the job needs.
 */
for (const job of SCHEDULE as readonly ScheduledJob[]) {
  new sst.aws.CronV2(cronName(job.name), {
    schedule: rate(job.everyMs),
    function: {
      handler: "functions/cron/run.handler",
      runtime: NODE_RUNTIME,
      ...(job.maxRunSeconds ? { timeout: `${job.maxRunSeconds} seconds` as const } : {}),
      environment: { ...databaseEnvironment(), CRON_JOB: job.name, ...needEnvironment(job) },
      link: job.needs.flatMap((need) => NEEDS[need].link),
      nodejs: { esbuild: LAMBDA_ESBUILD },
    },
  });
}

function needEnvironment(job: ScheduledJob): Record<string, $util.Input<string>> {
  return Object.assign({}, ...job.needs.map((need) => NEEDS[need].environment()));
}

/** `wake-snoozed` → `WakeSnoozed`. */
function cronName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
}

/** An EventBridge rate expression: `rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)`, `rate(1 day)`. */
function rate(ms: number): string {
  const [unit, size] =
    (
      [
        ["day", 86_400_000],
        ["hour", 3_600_000],
        ["minute", 60_000],
      ] as const
    ).find(([, size]) => ms % size === 0) ?? [];
  if (!unit || !size) throw new Error(`no rate expression for ${ms} ms`);
  const n = ms / size;
  return `rate(${n} ${unit}${n === 1 ? "" : "s"})`;
}
