import { pgTable, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "../db/columns.ts";

export const ATTRIBUTE_TARGETS = ["contact", "conversation"] as const;
export const ATTRIBUTE_TYPES = ["text", "number", "checkbox", "date", "link", "list"] as const;

export const customAttributes = pgTable(
  "custom_attributes",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    appliesTo: text("applies_to", { enum: ATTRIBUTE_TARGETS }).notNull(),
    key: text("key").notNull(),
    name: text("name").notNull(),
    description: text("description").default("").notNull(),
    type: text("type", { enum: ATTRIBUTE_TYPES }).notNull(),
    values: text("values").array().default([]).notNull(),
    regex: text("regex"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("custom_attributes_tenant_target_key").on(t.tenantId, t.appliesTo, t.key)],
);
