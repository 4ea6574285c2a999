import { boolean, integer, pgTable, serial, smallint, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "../db/columns.ts";

export const SYSTEM_STATUSES = ["Open", "Snoozed", "Resolved", "Closed", "Spam", "Trashed"] as const;
export type SystemStatus = (typeof SYSTEM_STATUSES)[number];

/**
 * Statuses are per tenant. System ones carry `systemKey` so behaviour (snooze, resolve, spam, trash)
 * keeps working after an admin renames them.
 */
export const statuses = pgTable(
  "statuses",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    color: text("color").default("#6b7280").notNull(),
    systemKey: text("system_key", { enum: SYSTEM_STATUSES }),
    /** Position in every status list (ascending, then id); `PUT /statuses/reorder` rewrites it. */
    sortOrder: integer("sort_order").default(0).notNull(),
    /** Offered in the reply box's "send and set status" menu; never for Snoozed, which needs a duration. */
    showOnSend: boolean("show_on_send").default(true).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("statuses_tenant_name_key").on(t.tenantId, t.name),
    uniqueIndex("statuses_tenant_system_key").on(t.tenantId, t.systemKey),
  ],
);

/**
 * System statuses left off the send menu by default: Snoozed needs a duration (a reply cannot set it), Spam
 * and Trashed are buckets rather than outcomes of a reply (an admin may still offer them).
 */
export const OFF_SEND_MENU: ReadonlySet<SystemStatus> = new Set(["Snoozed", "Spam", "Trashed"]);

export const PRIORITIES = ["Low", "Medium", "High", "Urgent"] as const;

/** Priorities are a fixed, global scale (not tenant-owned): ids 1–4 are the same everywhere. */
export const priorities = pgTable("priorities", {
  id: smallint("id").primaryKey(),
  name: text("name").notNull(),
  system: boolean("system").default(true).notNull(),
});
