import { sql } from "drizzle-orm";
import { boolean, jsonb, pgTable, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "../db/columns.ts";

/**
 * A workspace's cloud AI providers: at most one per type, the API key sealed (crypto/secret-box), and at
 * most one default (the provider workspace-wide AI uses when no inbox overrides it; none means "local").
 */
export const aiProviders = pgTable(
  "ai_providers",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    /** openai | claude | openrouter (port/ai-clients.ts AI_PROVIDER_TYPES). */
    type: text("type").notNull(),
    apiKey: text("api_key").notNull(),
    model: text("model").notNull(),
    extras: jsonb("extras").$type<Record<string, string | number | boolean>>().default({}).notNull(),
    isDefault: boolean("is_default").default(false).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("ai_providers_tenant_type_key").on(t.tenantId, t.type),
    uniqueIndex("ai_providers_tenant_default_key").on(t.tenantId).where(sql`${t.isDefault}`),
  ],
);
