import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The operator's audit log. It belongs to no workspace (no foreign key to `tenants`), so a purge leaves it. A
 * folder of its own: the platform operations, sign-up and custom domains (a stale claim yielding) all write
 * to it, and none of them should depend on another for that.
 */
/** Every platform API and CLI call: who, what, on which workspace, and the outcome. */
export const platformAudit = pgTable(
  "platform_audit",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).defaultNow().notNull(),
    /** `api:<key fingerprint>`, `cli:<os user>` or `signup:<email>`. */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    workspaceSlug: text("workspace_slug"),
    /** HTTP status (or the CLI's equivalent) of the outcome. */
    status: integer("status").notNull(),
    ip: text("ip"),
    detail: jsonb("detail").$type<Record<string, unknown>>().default({}).notNull(),
  },
  (t) => [index("platform_audit_at_idx").on(t.at), index("platform_audit_workspace_idx").on(t.workspaceSlug)],
);
