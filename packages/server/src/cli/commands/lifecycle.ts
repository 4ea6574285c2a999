import { noSockets } from "@helperiq/adapters/realtime/no-sockets";
import { AppError, ConflictError, InputError } from "@helperiq/core/errors/index";
import { suspendInput } from "@helperiq/core/platform/input";
import { requestWorkspaceDeletion, resumeWorkspace, suspendWorkspace } from "@helperiq/core/platform/lifecycle";
import type { CliContext, WorkspaceCommand } from "../command.ts";
import { followingNote, followWorkspaceJob, shouldWait } from "../follow-job.ts";
import { purgeReporter, purgeSummary } from "../job-progress.ts";
import { parseInput } from "../input.ts";

/**
 * The CLI serves no WebSocket: embedded it holds DATA_DIR's lock (no server runs beside it); against
 * DATABASE_URL the servers close their own sockets of a suspended or deleted workspace in their keep-alive sweep.
 */
const lifecycleDeps = (ctx: CliContext) => ({ db: ctx.database.db, clock: ctx.clock, sockets: noSockets });

const slugOf = (positionals: string[]) => {
  if (!positionals[0]) throw new InputError("slug: required (the workspace's slug)");
  return positionals[0];
};

export const suspendCommand: WorkspaceCommand = {
  name: "suspend",
  usage: "suspend <slug> [--reason <text>]",
  summary: "suspend a workspace: every route answers 403 (with the reason), its jobs stop; nothing is deleted",
  options: { reason: { type: "string" } },
  async run(ctx, { positionals, values }) {
    const { reason } = parseInput(suspendInput, values.reason === undefined ? {} : { reason: values.reason });
    const slug = slugOf(positionals);
    const workspace = await suspendWorkspace(lifecycleDeps(ctx), slug, reason);
    ctx.say(`Suspended ${slug}${reason ? `: ${reason}` : ""}.`);
    return { status: 200, json: workspace, workspaceSlug: slug };
  },
};

export const resumeCommand: WorkspaceCommand = {
  name: "resume",
  usage: "resume <slug>",
  summary: "lift a suspension",
  options: {},
  async run(ctx, { positionals }) {
    const slug = slugOf(positionals);
    const workspace = await resumeWorkspace({ db: ctx.database.db, clock: ctx.clock }, slug);
    ctx.say(`Resumed ${slug}: it is active again.`);
    return { status: 200, json: workspace, workspaceSlug: slug };
  },
};

export const deleteCommand: WorkspaceCommand = {
  name: "delete",
  usage: "delete <slug> --yes [--wait | --no-wait]",
  summary:
    "delete a workspace: its hosts answer 404 at once, a purge job removes all its data (followed table by table on a terminal or with --wait)",
  options: { yes: { type: "boolean" }, wait: { type: "boolean" }, "no-wait": { type: "boolean" } },
  async run(ctx, { positionals, values }) {
    const slug = slugOf(positionals);
    if (values.yes !== true) throw new InputError(`yes: deleting ${slug} removes all its data; confirm with --yes`);
    const wait = shouldWait(ctx, values);
    const accepted = await requestWorkspaceDeletion(lifecycleDeps(ctx), slug, "cli");
    const jobId = accepted.job.id;
    if (!wait) {
      ctx.say(`Deleting ${slug}: its hosts answer 404 from now on; purge job ${jobId} is ${accepted.job.status}.`);
      return { status: 202, json: accepted, workspaceSlug: slug };
    }
    ctx.say(`Deleting ${slug}: its hosts answer 404 from now on; purge job ${jobId}${followingNote(ctx)}.`);
    const job = await followWorkspaceJob(ctx, jobId, purgeReporter(ctx, slug));
    const deleted = (job.result as { deleted?: Record<string, number> } | null)?.deleted ?? {};
    const json = { workspace: accepted.workspace, job: { id: jobId, kind: "purge", status: job.status, deleted } };
    if (job.status === "done") {
      ctx.say(purgeSummary(slug, deleted));
      return { status: 200, json, workspaceSlug: slug, jsonLines: true };
    }
    if (job.status === "failed")
      throw new AppError("GeneralError", 500, `purge ${jobId} of ${slug} failed: ${job.error ?? "unknown error"}`);
    throw new ConflictError(
      `purge ${jobId} of ${slug} is run by another process (or one that died: it is taken over 5 minutes after its last progress)`,
    );
  },
};
