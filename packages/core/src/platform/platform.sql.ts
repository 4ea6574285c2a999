import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * The operator's records. None of these tables belongs to a workspace: they have no foreign key to
 * `tenants`, so a workspace's purge leaves them (a finished export outlives the workspace). The operator's
 * audit log is in operator-audit/.
 */

export const WORKSPACE_JOB_KINDS = ["purge", "export"] as const;
export const WORKSPACE_JOB_STATUSES = ["queued", "running", "done", "failed"] as const;

/**
 * Long workspace jobs (purge, export). `state` is the job's resume point, saved after each step, so a job that
 * died half way continues where it stopped; `progress` is what a caller is shown.
 */
export const workspaceJobs = pgTable(
  "workspace_jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** The workspace's id and slug as they were: no foreign key, the row outlives a purged workspace. */
    tenantId: integer("tenant_id").notNull(),
    tenantSlug: text("tenant_slug").notNull(),
    kind: text("kind", { enum: WORKSPACE_JOB_KINDS }).notNull(),
    status: text("status", { enum: WORKSPACE_JOB_STATUSES }).default("queued").notNull(),
    /** `platform`, `cli` or `user:<id>` (a workspace admin's own export). */
    requestedBy: text("requested_by").notNull(),
    state: jsonb("state").$type<Record<string, unknown>>().default({}).notNull(),
    progress: jsonb("progress").$type<Record<string, unknown>>().default({}).notNull(),
    result: jsonb("result").$type<Record<string, unknown>>(),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).defaultNow().notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** When an export's archive stops being downloadable (and is removed). */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [index("workspace_jobs_tenant_idx").on(t.tenantId, t.kind), index("workspace_jobs_status_idx").on(t.status)],
);

/**
 * Self-serve sign-ups waiting for their email to be verified. Only a hash of the mailed token is kept; the
 * verified link creates the workspace (`consumed_at`).
 */
export const signups = pgTable(
  "signups",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    email: text("email").notNull(),
    workspaceName: text("workspace_name").notNull(),
    slug: text("slug").notNull(),
    tokenHash: text("token_hash").notNull(),
    ip: text("ip"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
  },
  // Looked up by token hash only (the per-email request limit is a RateCounter key, not a query of this table).
  (t) => [uniqueIndex("signups_token_key").on(t.tokenHash)],
);
