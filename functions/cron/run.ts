import { describeError } from "@helperiq/core/errors/describe";
import { isScheduledJob, SCHEDULED_RUNS, type ScheduleDeps } from "@helperiq/core/job/run-scheduled";
import { systemClock, type Database } from "@helperiq/core/port/index";
import { cloudBlobs, cloudQueue, cloudRateCounter } from "../cloud-ports.ts";
import { sharedDatabase } from "../database.ts";
import { cloudEvents, cloudSockets } from "../ws/realtime.ts";

/** The entry of every cron function infra/cron.ts creates from the schedule table: CRON_JOB names the job. */
export const handler = (): Promise<Record<string, number>> =>
  runCron(process.env.CRON_JOB ?? "", sharedDatabase(), process.env);

/**
 * Runs job `name` as the cloud does: events go to the WebSocket clients through the API Gateway registry,
 * queue messages to SQS, media to S3, each as far as infra linked it (the job's `needs`). Logs its counts only.
 */
export async function runCron(
  name: string,
  database: Database,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, number>> {
  if (!isScheduledJob(name))
    throw new Error(`CRON_JOB "${name}" is no job of the schedule (packages/core/src/job/schedule.ts)`);
  try {
    const counts = await SCHEDULED_RUNS[name](cronDeps(database, env));
    console.log(
      `[${name}] ${Object.entries(counts)
        .map(([key, n]) => `${key}=${n}`)
        .join(" ")}`,
    );
    return counts;
  } catch (err) {
    console.error(`[${name}] failed: ${describeError(err, { stack: true })}`);
    throw err;
  }
}

/** The cloud's ports for a scheduled job; one not linked to this function refuses to work, saying what is missing. */
function cronDeps(database: Database, env: NodeJS.ProcessEnv): ScheduleDeps {
  return {
    db: database.db,
    clock: systemClock,
    events: cloudEvents(database, env),
    queue: cloudQueue(env),
    blobs: cloudBlobs(env),
    rateCounter: cloudRateCounter(env),
    sockets: cloudSockets(database, env),
  };
}
