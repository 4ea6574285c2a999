import { index, integer, jsonb, pgTable, serial, text } from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "../db/columns.ts";
import { users } from "../user/user.sql.ts";

/** A named, saved `filters` array: personal (owned by a user) or shared with the whole tenant. */
export const views = pgTable(
  "views",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    filters: jsonb("filters").$type<unknown[]>().default([]).notNull(),
    visibility: text("visibility", { enum: ["user", "all"] })
      .default("user")
      .notNull(),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("views_tenant_user_idx").on(t.tenantId, t.userId), index("views_user_idx").on(t.userId)],
);
