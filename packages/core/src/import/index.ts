import { parse } from "csv-parse/sync";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { systemCtx, type Ctx, type SystemDeps } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { transaction, within } from "../db/transaction.ts";
import { isUniqueViolation } from "../db/unique.ts";
import { AppError, InputError } from "../errors/index.ts";
import type { Clock } from "../port/clock.ts";
import type { Db } from "../port/database.ts";
import { importJobs, type ImportKind, type ImportRowError } from "./import.sql.ts";
import { QuotaError } from "../quota/limits.ts";

export * from "./import.sql.ts";

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 10_000;
/** Per-row errors kept on the job; the count keeps going beyond it. */
const MAX_ERRORS_KEPT = 500;

export type ImportRow = Record<string, string>;
/** A data row and the line it ends on in the file (what a person looks for when a row errs). */
type NumberedRow = { line: number; row: ImportRow };

export type ImportSpec = {
  /** Header names (lower-case) that must be present. */
  required: readonly string[];
  /** Imports one row; an InputError marks just this row as errored, anything else fails the run. */
  importRow: (ctx: Ctx, row: ImportRow) => Promise<void>;
};

type JobRow = typeof importJobs.$inferSelect;

export function importJobView(job: JobRow) {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    total: job.total,
    completed: job.completed,
    errored: job.errored,
    errors: job.errors,
    failure: job.failure,
    created_at: iso(job.createdAt),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
  };
}
export type ImportJobView = ReturnType<typeof importJobView>;

/** Parses a CSV upload with a header row; a malformed file is a 400 naming `file`. */
export function parseCsv(text: string): NumberedRow[] {
  try {
    const records = parse(text, {
      info: true,
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as unknown as { record: ImportRow; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ line: info.lines, row: record }));
  } catch (err) {
    throw new InputError(`file: not valid CSV (${(err as Error).message.split("\n")[0]})`);
  }
}

/** Validates the upload and records a queued job; its `import.run` is queued once that has committed. */
export async function createImportJob(
  ctx: Ctx,
  kind: ImportKind,
  spec: ImportSpec,
  csv: string,
): Promise<ImportJobView> {
  if (Buffer.byteLength(csv) > MAX_IMPORT_BYTES)
    throw new InputError(`file: larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
  const rows = parseCsv(csv);
  if (rows.length === 0) throw new InputError("file: no data rows after the header");
  if (rows.length > MAX_IMPORT_ROWS) throw new InputError(`file: more than ${MAX_IMPORT_ROWS} rows`);
  const missing = spec.required.filter((column) => !(column in rows[0]!.row));
  if (missing.length) throw new InputError(`file: missing column "${missing[0]}" in the header row`);
  try {
    return await transaction(ctx, async (tx, after) => {
      const [job] = await tx
        .insert(importJobs)
        .values({
          tenantId: ctx.tenantId,
          kind,
          payload: csv,
          total: rows.length,
          createdBy: ctx.actor.type === "agent" ? ctx.actor.userId : null,
        })
        .returning();
      after.enqueue({ type: "import.run", tenantId: ctx.tenantId, jobId: job!.id });
      return importJobView(job!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new InputError(`file: an import of ${kind} is already running`);
    throw err;
  }
}

/** The newest import of `kind` in the workspace, or null when there never was one. */
export async function latestImportJob(ctx: Ctx, kind: ImportKind): Promise<ImportJobView | null> {
  const [job] = await ctx.db
    .select()
    .from(importJobs)
    .where(and(eq(importJobs.tenantId, ctx.tenantId), eq(importJobs.kind, kind)))
    .orderBy(desc(importJobs.id))
    .limit(1);
  return job ? importJobView(job) : null;
}

/**
 * Runs (or resumes) a job: each row is imported in one transaction with its progress counter, under a
 * lock on the job row, so every row is imported and counted exactly once even when the run dies half way
 * and the message is redelivered, or two deliveries of it run at the same time.
 */
export async function runImportJob(
  deps: SystemDeps,
  tenantId: number,
  jobId: number,
  specs: Record<ImportKind, ImportSpec>,
): Promise<void> {
  const { db, clock } = deps;
  const [job] = await db
    .update(importJobs)
    .set({ status: "running", startedAt: sql`coalesce(${importJobs.startedAt}, now())` })
    .where(
      and(
        eq(importJobs.id, jobId),
        eq(importJobs.tenantId, tenantId),
        inArray(importJobs.status, ["queued", "running"]),
      ),
    )
    .returning();
  if (!job) return; // finished already: a duplicate delivery
  const spec = specs[job.kind];
  const rows = parseCsv(job.payload ?? "");
  const system = systemCtx(deps, tenantId);
  for (let i = job.processed; i < rows.length; i++) {
    const { line, row } = rows[i]!;
    await transaction(deps, async (tx, after) => {
      // Concurrent deliveries of the same message queue up here; whoever comes second skips the row.
      const [current] = await tx
        .select({ processed: importJobs.processed })
        .from(importJobs)
        .where(eq(importJobs.id, jobId))
        .for("update");
      if (current?.processed !== i) return;
      let outcome: "ok" | ImportRowError = "ok";
      try {
        // A savepoint: a row refused with a 400 leaves nothing behind, effects included.
        await transaction(within(system, tx, after), (savepoint, saved) =>
          spec.importRow(within(system, savepoint, saved), row),
        );
      } catch (err) {
        // A plan limit reached refuses the row as bad input does: the rows before it stay, the job ends.
        if (!(err instanceof AppError) || (err.status !== 400 && !(err instanceof QuotaError))) throw err;
        outcome = { row: line, message: err.message };
      }
      await progress(tx, jobId, outcome);
    });
  }
  await db
    .update(importJobs)
    .set({ status: "completed", finishedAt: clock.now(), payload: null })
    .where(eq(importJobs.id, jobId));
}

async function progress(db: Db, jobId: number, outcome: "ok" | ImportRowError) {
  const ok = outcome === "ok";
  await db
    .update(importJobs)
    .set({
      processed: sql`${importJobs.processed} + 1`,
      completed: ok ? sql`${importJobs.completed} + 1` : importJobs.completed,
      errored: ok ? importJobs.errored : sql`${importJobs.errored} + 1`,
      errors: ok
        ? importJobs.errors
        : sql`CASE WHEN jsonb_array_length(${importJobs.errors}) < ${MAX_ERRORS_KEPT}
            THEN ${importJobs.errors} || ${JSON.stringify([outcome])}::jsonb ELSE ${importJobs.errors} END`,
    })
    .where(eq(importJobs.id, jobId));
}

/** Gives up on a job whose message could not be processed (poison message); its state says why. */
export async function failImportJob(deps: { db: Db; clock: Clock }, tenantId: number, jobId: number, reason: string) {
  await deps.db
    .update(importJobs)
    .set({ status: "failed", failure: reason.slice(0, 500), finishedAt: deps.clock.now(), payload: null })
    .where(
      and(
        eq(importJobs.id, jobId),
        eq(importJobs.tenantId, tenantId),
        inArray(importJobs.status, ["queued", "running"]),
      ),
    );
}

/** Jobs a restarted process must pick up again (the embedded queue does not survive a restart). */
export async function unfinishedImportJobs(db: Db) {
  return db
    .select({ tenantId: importJobs.tenantId, jobId: importJobs.id })
    .from(importJobs)
    .where(inArray(importJobs.status, ["queued", "running"]));
}
