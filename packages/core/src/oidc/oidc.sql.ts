import { boolean, pgTable, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "../db/columns.ts";

/** OpenID Connect single sign-on providers of a workspace. The client secret is sealed (crypto/secret-box). */
export const oidcProviders = pgTable(
  "oidc_providers",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    /** Issuer URL; its /.well-known/openid-configuration is discovered at login. */
    providerUrl: text("provider_url").notNull(),
    clientId: text("client_id").notNull(),
    clientSecret: text("client_secret").notNull(),
    logoUrl: text("logo_url").default("").notNull(),
    enabled: boolean("enabled").default(true).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("oidc_providers_tenant_name_key").on(t.tenantId, t.name)],
);
