import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { AppError, ConflictError, InputError, NotFoundError } from "@helperiq/core/errors/index";
import { requestExport } from "@helperiq/core/platform/export-jobs";
import type { ExportResult } from "@helperiq/core/platform/export";
import { findTenantBySlug } from "@helperiq/core/tenant/resolve";
import type { WorkspaceCommand } from "../command.ts";
import { followingNote, followWorkspaceJob, shouldWait } from "../follow-job.ts";
import { exportReporter } from "../job-progress.ts";

/**
 * `export <slug>`: queues the workspace's export, and follows it (on a terminal, or with `--wait`/`--out`),
 * printing its progress; with `--out` copies the archive from the media store (DATA_DIR/media) to a file.
 */
export const exportCommand: WorkspaceCommand = {
  name: "export",
  usage: "export <slug> [--wait | --no-wait] [--out <file.zip>]",
  summary:
    "export a workspace (one zip: NDJSON per table, media files); followed with progress on a terminal or with --wait/--out",
  options: { wait: { type: "boolean" }, "no-wait": { type: "boolean" }, out: { type: "string" } },
  async run(ctx, { positionals, values }) {
    const slug = positionals[0];
    if (!slug) throw new InputError("slug: required (the workspace's slug)");
    const out = typeof values.out === "string" ? values.out : undefined;
    if (values.out !== undefined && !out) throw new InputError("out: a file name is required");
    if (out && values["no-wait"] === true)
      throw new InputError("out: the archive is copied once written; drop --no-wait");
    const wait = out !== undefined || shouldWait(ctx, values);
    const db = ctx.database.db;
    const tenant = await findTenantBySlug(db, slug);
    if (!tenant) throw new NotFoundError("Workspace");
    const queued = await requestExport({ db, clock: ctx.clock }, tenant.id, "cli");
    if (!wait) {
      ctx.say(`Export ${queued.id} of ${slug} is ${queued.status}; the server's workspace-jobs schedule writes it.`);
      return { status: 202, json: { id: queued.id, status: queued.status }, workspaceSlug: slug };
    }
    ctx.say(`Export ${queued.id} of ${slug}${followingNote(ctx)}.`);
    const job = await followWorkspaceJob(ctx, queued.id, exportReporter(ctx, slug));
    if (job.status === "failed")
      throw new AppError("GeneralError", 500, `export ${job.id} failed: ${job.error ?? "unknown error"}`);
    if (job.status !== "done") throw new ConflictError(`export ${queued.id} is being written by another process`);
    const result = job.result as ExportResult;
    if (out) {
      const blob = await createFilesystemBlobStore(join(ctx.config.DATA_DIR, "media")).get(result.key);
      if (!blob)
        throw new AppError(
          "NotFoundError",
          404,
          `out: the archive ${result.key} is not in DATA_DIR/media (the servers store their media elsewhere): download it with the platform API`,
        );
      await writeFile(out, blob.body);
    }
    const media = result.files.find((f) => f.name === "media/");
    ctx.say(
      `Export ${job.id} of ${slug}: ${result.size} bytes, ${result.files.length} files` +
        ` (${media?.rows ?? 0} media files)${out ? `, written to ${out}` : ""}.`,
    );
    return {
      status: 200,
      json: { id: job.id, status: "done", size: result.size, files: result.files, out: out ?? null },
      workspaceSlug: slug,
      jsonLines: true,
    };
  },
};
