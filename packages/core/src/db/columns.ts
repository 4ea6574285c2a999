import { customType, integer, timestamp } from "drizzle-orm/pg-core";
import { tenants } from "../tenant/tenant.sql.ts";

/** Every tenant-owned table starts with this column; unique keys include it. */
export const tenantId = () =>
  integer("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });

export const createdAt = () => timestamp("created_at", { withTimezone: true }).defaultNow().notNull();
export const updatedAt = () => timestamp("updated_at", { withTimezone: true }).defaultNow().notNull();
export const timestampTz = (name: string) => timestamp(name, { withTimezone: true });

export const tsvector = customType<{ data: string }>({
  dataType: () => "tsvector",
});
