import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { AppError, ConflictError, InputError, NotFoundError } from "@helperiq/core/errors/index";
import { getExportJob, requestExport } from "@helperiq/core/platform/export-jobs";
import type { ExportResult } from "@helperiq/core/platform/export";
import { claimWorkspaceJob, runWorkspaceJob, type WorkspaceJobDeps } from "@helperiq/core/platform/workspace-jobs";
import { findTenantBySlug } from "@helperiq/core/tenant/resolve";
import type { WorkspaceCommand } from "../command.ts";

/**
 * `export <slug>`: queues the workspace's export (the server's workspace-jobs schedule writes it), or with
 * `--wait`/`--out` writes it here, printing its progress, into the server's media store (DATA_DIR/media), and
 * with `--out` copies the zip to a file.
 */
export const exportCommand: WorkspaceCommand = {
  name: "export",
  usage: "export <slug> [--wait] [--out <file.zip>]",
  summary: "export a workspace (one zip: NDJSON per table, media files); --wait/--out write it now, with progress",
  options: { wait: { type: "boolean" }, out: { type: "string" } },
  async run(ctx, { positionals, values }) {
    const slug = positionals[0];
    if (!slug) throw new InputError("slug: required (the workspace's slug)");
    const out = typeof values.out === "string" ? values.out : undefined;
    if (values.out !== undefined && !out) throw new InputError("out: a file name is required");
    const db = ctx.database.db;
    const tenant = await findTenantBySlug(db, slug);
    if (!tenant) throw new NotFoundError("Workspace");
    const queued = await requestExport({ db, clock: ctx.clock }, tenant.id, "cli");
    if (values.wait !== true && !out) {
      ctx.say(`Export ${queued.id} of ${slug} is ${queued.status}; the server's workspace-jobs schedule writes it.`);
      return { status: 202, json: { id: queued.id, status: queued.status }, workspaceSlug: slug };
    }
    const job = await claimWorkspaceJob(db, ctx.clock.now(), queued.id);
    if (!job) throw new ConflictError(`export ${queued.id} is being written by another process`);
    const blobs = createFilesystemBlobStore(join(ctx.config.DATA_DIR, "media"));
    // An export reaches no WebSocket nor rate counter (only a purge does).
    const unused = async (): Promise<never> => {
      throw new Error("an export does not close sockets or forget rate counters");
    };
    const deps: WorkspaceJobDeps = {
      db,
      clock: ctx.clock,
      blobs,
      rateCounter: { hit: unused, forget: unused },
      sockets: { closeWorkspace: unused },
    };
    const status = await runWorkspaceJob(deps, job, {
      onProgress: ({ progress }) =>
        ctx.progress(
          `export ${job.id}: ${String(progress.percent ?? 0).padStart(3)}% (${progress.tables_done ?? 0}/${progress.tables_total ?? 0} tables)`,
        ),
    });
    const done = await getExportJob(db, job.id);
    if (status !== "done") throw new AppError("GeneralError", 500, `export ${job.id} failed: ${done.error ?? status}`);
    const result = done.result as ExportResult;
    if (out) {
      const blob = await blobs.get(result.key);
      if (!blob) throw new NotFoundError("Export archive");
      await writeFile(out, blob.body);
    }
    ctx.say(
      `Export ${job.id} of ${slug}: ${result.size} bytes, ${result.files.length} files${out ? `, written to ${out}` : ""}.`,
    );
    return {
      status: 200,
      json: { id: job.id, status: "done", size: result.size, files: result.files, out: out ?? null },
      workspaceSlug: slug,
    };
  },
};
