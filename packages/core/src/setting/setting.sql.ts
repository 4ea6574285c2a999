import { jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tenantId, updatedAt } from "../db/columns.ts";

export const settings = pgTable(
  "settings",
  {
    tenantId: tenantId(),
    key: text("key").notNull(),
    value: jsonb("value").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);
