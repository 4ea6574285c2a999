import { join } from "node:path";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { noSockets } from "@helperiq/adapters/realtime/no-sockets";
import { workspaceJobs } from "@helperiq/core/platform/platform.sql";
import {
  claimWorkspaceJob,
  runWorkspaceJob,
  type JobProgress,
  type WorkspaceJob,
  type WorkspaceJobDeps,
} from "@helperiq/core/platform/workspace-jobs";
import { InputError } from "@helperiq/core/errors/index";
import { eq } from "drizzle-orm";
import type { CliContext } from "./command.ts";

/** How often a job another process runs is read again. */
export const POLL_MS = 1000;

/**
 * The ports a job run by the CLI uses. Embedded, no server runs beside it (it holds DATA_DIR's lock): the media
 * store is DATA_DIR/media, as the server's; the server's rate counters and sockets went with it.
 */
function cliJobDeps(ctx: CliContext): WorkspaceJobDeps {
  return {
    db: ctx.database.db,
    clock: ctx.clock,
    blobs: createFilesystemBlobStore(join(ctx.config.DATA_DIR, "media")),
    rateCounter: createMemoryRateCounter(),
    sockets: noSockets,
  };
}

const load = async (ctx: CliContext, id: number): Promise<WorkspaceJob> => {
  const [row] = await ctx.database.db.select().from(workspaceJobs).where(eq(workspaceJobs.id, id));
  if (!row) throw new Error(`workspace job ${id} is gone`);
  return row;
};

/**
 * Follows workspace job `id` to its end, handing each saved unit of progress to `report`, and returns its row.
 *
 * - Embedded (no DATABASE_URL): the CLI holds DATA_DIR's lock, so no server can run the job: it runs here, from
 *   its saved state, and again after a failed attempt, as the schedule would, until done or failed for good.
 * - DATABASE_URL: the job is left to the servers' workspace-jobs schedule, which runs it with the runtime's own
 *   ports (S3 in AWS, its rate counters and sockets), and its row is read every POLL_MS. The CLI cannot know
 *   where those servers keep their media, so it never runs a purge or an export against their database itself.
 *
 * Returns early (the row still `queued` or `running`) only when another process holds the job's claim.
 */
export async function followWorkspaceJob(
  ctx: CliContext,
  id: number,
  report: (job: JobProgress) => void,
  options: { pollMs?: number } = {},
): Promise<WorkspaceJob> {
  if (!ctx.config.DATABASE_URL) {
    const deps = cliJobDeps(ctx);
    for (;;) {
      const job = await claimWorkspaceJob(ctx.database.db, ctx.clock.now(), id);
      if (!job) break;
      if ((await runWorkspaceJob(deps, job, { onProgress: report })) !== "queued") break;
    }
    return load(ctx, id);
  }
  let seen: number | undefined;
  for (;;) {
    const row = await load(ctx, id);
    const at = row.updatedAt.getTime();
    if (at !== seen && Object.keys(row.progress).length > 0)
      report({ id, kind: row.kind, progress: row.progress, state: row.state });
    seen = at;
    if (row.status === "done" || row.status === "failed") return row;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? POLL_MS));
  }
}

/**
 * Whether a command follows its job: `--wait` yes, `--no-wait` no, neither: when stdout is a terminal (an
 * operator watching), not in scripts, which keep getting the queued job at once.
 */
export function shouldWait(ctx: CliContext, values: Record<string, unknown>): boolean {
  if (values.wait === true && values["no-wait"] === true) throw new InputError("wait: --wait or --no-wait, not both");
  if (values.wait === true) return true;
  if (values["no-wait"] === true) return false;
  return ctx.interactive;
}

/** How the job will be followed, for the command's opening line. */
export const followingNote = (ctx: CliContext) =>
  ctx.config.DATABASE_URL ? ": waiting for a server's workspace-jobs schedule (every minute) to run it" : ", run here";
