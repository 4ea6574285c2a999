import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tenantId, timestampTz } from "../db/columns.ts";
import { users } from "../user/user.sql.ts";

/** Kinds of CSV import. */
export const IMPORT_KINDS = ["tags", "agents"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_STATUSES = ["queued", "running", "completed", "failed"] as const;
export type ImportRowError = { row: number; message: string };

/**
 * CSV imports run in the background. `processed` is how many data rows are done, so a run that died
 * half way resumes after the last finished row instead of repeating or losing any.
 */
export const importJobs = pgTable(
  "import_jobs",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    kind: text("kind", { enum: IMPORT_KINDS }).notNull(),
    status: text("status", { enum: IMPORT_STATUSES }).default("queued").notNull(),
    /** The uploaded CSV, kept until the job finishes. */
    payload: text("payload"),
    total: integer("total").default(0).notNull(),
    processed: integer("processed").default(0).notNull(),
    completed: integer("completed").default(0).notNull(),
    errored: integer("errored").default(0).notNull(),
    errors: jsonb("errors").$type<ImportRowError[]>().default([]).notNull(),
    failure: text("failure"),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    startedAt: timestampTz("started_at"),
    finishedAt: timestampTz("finished_at"),
  },
  (t) => [
    index("import_jobs_tenant_kind_idx").on(t.tenantId, t.kind, t.createdAt.desc()),
    // One import of a kind at a time per workspace.
    uniqueIndex("import_jobs_one_active_key").on(t.tenantId, t.kind).where(sql`${t.status} IN ('queued', 'running')`),
    index("import_jobs_created_by_idx").on(t.createdBy),
  ],
);
