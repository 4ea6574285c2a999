import { noSockets } from "@helperiq/adapters/realtime/no-sockets";
import { InputError } from "@helperiq/core/errors/index";
import { suspendInput } from "@helperiq/core/platform/input";
import { requestWorkspaceDeletion, resumeWorkspace, suspendWorkspace } from "@helperiq/core/platform/lifecycle";
import type { CliContext, WorkspaceCommand } from "../command.ts";
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
  usage: "delete <slug> --yes",
  summary: "delete a workspace: its hosts answer 404 at once, a purge job removes all its data",
  options: { yes: { type: "boolean" } },
  async run(ctx, { positionals, values }) {
    const slug = slugOf(positionals);
    if (values.yes !== true) throw new InputError(`yes: deleting ${slug} removes all its data; confirm with --yes`);
    const accepted = await requestWorkspaceDeletion(lifecycleDeps(ctx), slug, "cli");
    ctx.say(
      `Deleting ${slug}: its hosts answer 404 from now on; purge job ${accepted.job.id} is ${accepted.job.status}.`,
    );
    return { status: 202, json: accepted, workspaceSlug: slug };
  },
};
