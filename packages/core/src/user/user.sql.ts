import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tenantId, timestampTz, updatedAt } from "../db/columns.ts";

export const USER_TYPES = ["agent", "contact", "visitor", "system"] as const;
export type UserType = (typeof USER_TYPES)[number];
export const AVAILABILITIES = ["online", "away", "offline"] as const;

/** Agents, contacts, anonymous widget visitors and the per-tenant System user share one table, as in LibreDesk. */
export const users = pgTable(
  "users",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    type: text("type", { enum: USER_TYPES }).notNull(),
    email: text("email"),
    firstName: text("first_name").default("").notNull(),
    lastName: text("last_name").default("").notNull(),
    phone: text("phone"),
    avatarUrl: text("avatar_url"),
    passwordHash: text("password_hash"),
    enabled: boolean("enabled").default(true).notNull(),
    blocked: boolean("blocked").default(false).notNull(),
    availability: text("availability", { enum: AVAILABILITIES }).default("offline").notNull(),
    customAttributes: jsonb("custom_attributes").$type<Record<string, unknown>>().default({}).notNull(),
    /** An agent's own choices, e.g. `{ email_notifications: { mention: false } }`; absent keys mean the default. */
    preferences: jsonb("preferences").$type<Record<string, unknown>>().default({}).notNull(),
    lastActiveAt: timestampTz("last_active_at"),
    lastLoginAt: timestampTz("last_login_at"),
    deletedAt: timestampTz("deleted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Email identity is case-insensitive and unique per tenant and user type (an agent may also be a contact).
    uniqueIndex("users_tenant_type_email_key")
      .on(t.tenantId, t.type, sql`lower(${t.email})`)
      .where(sql`${t.deletedAt} IS NULL AND ${t.email} IS NOT NULL`),
    index("users_tenant_type_created_idx").on(t.tenantId, t.type, t.createdAt),
    index("users_email_trgm_idx").using("gin", sql`lower(coalesce(${t.email}, '')) gin_trgm_ops`),
    index("users_name_trgm_idx").using("gin", sql`lower(${t.firstName} || ' ' || ${t.lastName}) gin_trgm_ops`),
  ],
);
