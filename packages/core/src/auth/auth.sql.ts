import { index, integer, pgTable, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tenantId, timestampTz } from "../db/columns.ts";
import { users } from "../user/user.sql.ts";

/** Browser sessions. The primary key is the SHA-256 of the cookie token; the token itself is never stored. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    expiresAt: timestampTz("expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    index("sessions_expires_idx").on(t.expiresAt),
    index("sessions_tenant_idx").on(t.tenantId),
  ],
);

export const API_KEY_KINDS = ["admin", "device"] as const;

/** Bearer keys (`lk_…`). Only the SHA-256 of the key is kept; `prefix` lets a person tell keys apart. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: API_KEY_KINDS }).notNull(),
    name: text("name").default("").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    lastUsedAt: timestampTz("last_used_at"),
    revokedAt: timestampTz("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("api_keys_hash_key").on(t.keyHash),
    index("api_keys_user_idx").on(t.userId),
    index("api_keys_tenant_idx").on(t.tenantId),
  ],
);

/** Single-use password reset / set-password tokens (hash only). */
export const passwordTokens = pgTable(
  "password_tokens",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestampTz("expires_at").notNull(),
    usedAt: timestampTz("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("password_tokens_hash_key").on(t.tokenHash),
    index("password_tokens_user_idx").on(t.userId),
    index("password_tokens_tenant_idx").on(t.tenantId),
  ],
);
