import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/**
 * A workspace's lifecycle: `active` serves; `suspended` answers 403 on every route and runs no job or poller,
 * keeping everything; `deleting` answers 404 from the moment an operator's delete is accepted, while the purge
 * job removes its data (the row itself goes last).
 */
export const TENANT_STATUSES = ["active", "suspended", "deleting"] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/**
 * Per-workspace limits set by the operator (absent = unlimited). Enforced where the thing is created or
 * spent, with errors naming the limit.
 */
export type TenantLimits = {
  agents?: number;
  inboxes?: number;
  storage_bytes?: number;
  ai_calls_per_month?: number;
  api_requests_per_minute?: number;
};

export const tenants = pgTable(
  "tenants",
  {
    id: serial("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: TENANT_STATUSES }).default("active").notNull(),
    /** The operator's plan name (free text: plans are the operator's vocabulary); limits hold what it means. */
    plan: text("plan").default("default").notNull(),
    limits: jsonb("limits").$type<TenantLimits>().default({}).notNull(),
    suspendedAt: timestamp("suspended_at", { withTimezone: true }),
    /** Shown to the workspace's users in the 403 while suspended. */
    suspendedReason: text("suspended_reason"),
    /** When the operator's delete was accepted (status `deleting`). */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
  },
  (t) => [uniqueIndex("tenants_slug_key").on(t.slug)],
);

/**
 * Custom domains; subdomains of the configured base domain resolve by slug instead. A domain routes only once
 * verified (`verified_at`): its owner proved control by serving `verification_token` back through it (HTTP
 * well-known path) or publishing it in a DNS TXT record.
 */
export const tenantDomains = pgTable(
  "tenant_domains",
  {
    hostname: text("hostname").primaryKey(),
    tenantId: integer("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    verificationToken: text("verification_token").notNull(),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    /** The last verification attempt's failure, in words (null after success or before any attempt). */
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
  },
  (t) => [index("tenant_domains_tenant_idx").on(t.tenantId)],
);

/** Per-tenant sequences (e.g. conversation reference numbers); incremented under a row lock. */
export const tenantCounters = pgTable(
  "tenant_counters",
  {
    tenantId: integer("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    value: integer("value").default(0).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

/**
 * How many conversations and messages a workspace holds, kept by triggers on those tables (migration 0017:
 * statement-level, so a batch insert or delete adds its row count once) so the operator's workspace list reads
 * them instead of counting rows (a scan that grows with the data). Exact: each write changes the figure in its own
 * transaction. The row is locked from such a write to its transaction's commit, as `conversation_reference` is
 * for new conversations. A workspace with no row has none of either.
 */
export const tenantTotals = pgTable("tenant_totals", {
  tenantId: integer("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  conversations: bigint("conversations", { mode: "number" }).default(0).notNull(),
  messages: bigint("messages", { mode: "number" }).default(0).notNull(),
});

/**
 * What a workspace spent per calendar month (UTC), for metrics that are not countable from other tables
 * afterwards (AI calls and tokens); conversations, messages and storage are counted from their own tables.
 */
export const tenantUsage = pgTable(
  "tenant_usage",
  {
    tenantId: integer("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** `YYYY-MM`. */
    month: text("month").notNull(),
    metric: text("metric").notNull(),
    value: bigint("value", { mode: "number" }).default(0).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.month, t.metric] })],
);
