import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SCHEDULED_RUNS } from "@helperiq/core/job/run-scheduled";
import { SCHEDULE } from "@helperiq/core/job/schedule";
import { loadConfig } from "@helperiq/server/config";
import { startServer } from "@helperiq/server/start";
import { beforeAll, describe, expect, it } from "vitest";
import { recordSstConfig, type Resource } from "./sst-recorder.ts";

/**
 * One schedule table, two runtimes: the jobs the embedded server puts on timers (a real `startServer` on
 * PGlite) against the cron functions sst.config.ts declares (recorded, no AWS). Runs once, in the PGlite pass.
 */

type Timer = { name: string; everyMs: number };
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const byName = (a: Timer, b: Timer) => a.name.localeCompare(b.name);

/** `rate(5 minutes)` → 300000; anything else fails the test. */
function rateMs(expression: string): number {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!match) throw new Error(`not a rate expression: ${expression}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")("the schedule of both runtimes", () => {
  let embedded: Timer[];
  let crons: Resource[];

  beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "helperiq-schedule-"));
    try {
      const server = await startServer(
        loadConfig({ PORT: "0", DATA_DIR: dataDir, ADMIN_EMAIL: "owner@example.com" }),
        () => undefined,
      );
      embedded = [...server.scheduled];
      await server.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    crons = (await recordSstConfig()).byType("sst.aws.CronV2");
  });

  it("runs the same jobs at the same intervals embedded and in the cloud", () => {
    const cloud = crons.map((c) => ({
      name: c.args.function.environment.CRON_JOB as string,
      everyMs: rateMs(c.args.schedule),
    }));
    expect(cloud.sort(byName)).toEqual([...embedded].sort(byName));
    // The two that used to exist on one side only.
    expect(embedded.map((j) => j.name)).toEqual(expect.arrayContaining(["cleanup-sessions", "resume-deliveries"]));
    expect(new Set(embedded.map((j) => j.name)).size).toBe(embedded.length);
  });

  it("has exactly one run for every job of the table", () => {
    expect(Object.keys(SCHEDULED_RUNS).sort()).toEqual(SCHEDULE.map((j) => j.name).sort());
  });

  it("makes every cron function the one generic entry, linked to exactly what its job needs", () => {
    const linked = (fn: { link?: Array<{ record: Resource }> }) => (fn.link ?? []).map((r) => r.record.name).sort();
    for (const cron of crons) {
      const fn = cron.args.function;
      const job = SCHEDULE.find((j) => j.name === fn.environment.CRON_JOB)!;
      expect(job, cron.name).toBeDefined();
      expect(fn.handler).toBe("functions/cron/run.handler");
      expect(fn.environment.DATABASE_URL).toBeDefined();
      expect(fn.nodejs?.esbuild?.external).toContain("@aws-sdk/*");
      const needs: readonly string[] = job.needs;
      expect({ job: job.name, links: linked(fn) }).toEqual({
        job: job.name,
        links: [
          ...(needs.includes("queue") ? ["Jobs"] : []),
          ...(needs.includes("realtime") ? ["Connections", "Realtime"] : []),
          ...(needs.includes("blobs") ? ["Media"] : []),
          ...(needs.includes("rate-counters") ? ["RateCounters"] : []),
        ].sort(),
      });
      expect(fn.environment.QUEUE_URL, job.name).toBe(needs.includes("queue") ? "sst.aws.Queue:Jobs.url" : undefined);
      expect(fn.environment.WS_TABLE, job.name).toBe(
        needs.includes("realtime") ? "sst.aws.Dynamo:Connections.name" : undefined,
      );
      expect(fn.environment.WS_ENDPOINT, job.name).toBe(
        needs.includes("realtime") ? "sst.aws.ApiGatewayWebSocket:Realtime.managementEndpoint" : undefined,
      );
      expect(fn.environment.MEDIA_BUCKET, job.name).toBe(
        needs.includes("blobs") ? "sst.aws.Bucket:Media.name" : undefined,
      );
      expect(fn.environment.RATE_TABLE, job.name).toBe(
        needs.includes("rate-counters") ? "sst.aws.Dynamo:RateCounters.name" : undefined,
      );
    }
  });

  it("gives the realtime jobs (woken snoozes, redactions, trash moves, purges closing sockets) the WebSocket registry", () => {
    const realtime = crons
      .filter((c) => c.args.function.environment.WS_TABLE !== undefined)
      .map((c) => c.args.function.environment.CRON_JOB)
      .sort();
    expect(realtime).toEqual(["auto-redact", "trash-retention", "wake-snoozed", "workspace-jobs"]);
  });
});
