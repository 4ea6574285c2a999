import { boolean, index, jsonb, pgTable, serial, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, timestampTz, updatedAt } from "../db/columns.ts";

export const CHANNELS = ["email", "livechat"] as const;

export const inboxes = pgTable(
  "inboxes",
  {
    id: serial("id").primaryKey(),
    uuid: uuid("uuid").defaultRandom().notNull().unique(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    channel: text("channel", { enum: CHANNELS }).notNull(),
    enabled: boolean("enabled").default(true).notNull(),
    from: text("from").default("").notNull(),
    csatEnabled: boolean("csat_enabled").default(false).notNull(),
    /** Non-secret channel configuration, returned by the API. */
    config: jsonb("config").$type<Record<string, unknown>>().default({}).notNull(),
    /** AES-GCM ciphertext of the channel's secrets (passwords, site secret); never returned. */
    secrets: text("secrets"),
    deletedAt: timestampTz("deleted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("inboxes_tenant_idx").on(t.tenantId)],
);
