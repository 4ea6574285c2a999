import type { ExportJobView } from "@helperiq/core/platform/export-jobs";
import { WORKSPACE_JOB_STATUSES } from "@helperiq/core/platform/platform.sql";
import { z } from "zod";
import { int, timestamp } from "./scalars.ts";

/** A workspace export (core/platform/export-jobs.ts): its progress, then its signed, expiring download link. */
export const exportJob = z
  .object({
    id: int,
    kind: z.literal("export"),
    workspace: z.string().describe("The workspace's slug."),
    status: z.enum(WORKSPACE_JOB_STATUSES),
    progress: z.object({ tables_done: int, tables_total: int, percent: int }),
    error: z.string().nullable().describe("Why the last run failed (it is retried from the queue)."),
    created_at: timestamp,
    finished_at: timestamp.nullable(),
    expires_at: timestamp.nullable().describe("When the archive is removed."),
    size: int.nullable().describe("The archive's size in bytes."),
    download_url: z
      .string()
      .nullable()
      .describe("A signed link to the zip archive, valid until download_expires_at; null until done or once expired."),
    download_expires_at: timestamp.nullable(),
  })
  .meta({ id: "WorkspaceExport" }) satisfies z.ZodType<ExportJobView>;
