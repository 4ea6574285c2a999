import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { conversations } from "./conversation.sql.ts";
import { createdAt, tenantId, tsvector, updatedAt } from "../db/columns.ts";
import { users } from "../user/user.sql.ts";

export const MESSAGE_TYPES = ["incoming", "outgoing", "activity"] as const;
export const MESSAGE_STATUSES = ["received", "pending", "sending", "sent", "failed"] as const;
export const SENDER_TYPES = ["agent", "contact", "system"] as const;

export const messages = pgTable(
  "messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    uuid: uuid("uuid").defaultRandom().notNull().unique(),
    tenantId: tenantId(),
    conversationId: bigint("conversation_id", { mode: "number" })
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    type: text("type", { enum: MESSAGE_TYPES }).notNull(),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull(),
    private: boolean("private").default(false).notNull(),
    contentType: text("content_type", { enum: ["html", "text"] })
      .default("html")
      .notNull(),
    content: text("content").default("").notNull(),
    textContent: text("text_content").default("").notNull(),
    senderId: integer("sender_id").references(() => users.id),
    senderType: text("sender_type", { enum: SENDER_TYPES }).notNull(),
    /** RFC 5322 Message-ID for email, used for threading and idempotent import. */
    sourceId: text("source_id"),
    meta: jsonb("meta").$type<Record<string, unknown>>().default({}).notNull(),
    // 'simple' configuration: tenants write in many languages, so no stemming; trigram search covers fuzziness.
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`to_tsvector('simple'::regconfig, coalesce(text_content, ''))`,
    ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("messages_conversation_created_idx").on(t.conversationId, t.createdAt),
    // Deleting a user (a contact, an agent, a purged workspace's) checks that no message names it as sender.
    index("messages_sender_idx").on(t.senderId),
    // Newest-first scans within a workspace (search by recency): read backwards, it matches
    // `ORDER BY created_at DESC, id DESC` (a DESC NULLS LAST index would not).
    index("messages_tenant_created_idx").on(t.tenantId, t.createdAt, t.id),
    index("messages_tenant_source_idx").on(t.tenantId, t.sourceId).where(sql`${t.sourceId} IS NOT NULL`),
    index("messages_search_idx").using("gin", t.searchVector),
    index("messages_failed_idx").on(t.tenantId, t.status).where(sql`${t.status} IN ('pending', 'sending', 'failed')`),
    // Flagged card data nobody redacted yet: what the PCI safety net walks (pci/auto-redact.ts).
    index("messages_pci_pending_idx")
      .on(t.tenantId)
      .where(sql`(${t.meta}->'pci_detected') IS NOT NULL AND (${t.meta}->'pci_detected'->>'redacted_at') IS NULL`),
  ],
);
