import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

export const tenants = pgTable(
  "tenants",
  {
    id: serial("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    enabled: boolean("enabled").default(true).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
  },
  (t) => [uniqueIndex("tenants_slug_key").on(t.slug)],
);

/** Custom domains; subdomains of the configured base domain resolve by slug instead. */
export const tenantDomains = pgTable(
  "tenant_domains",
  {
    hostname: text("hostname").primaryKey(),
    tenantId: integer("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
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
