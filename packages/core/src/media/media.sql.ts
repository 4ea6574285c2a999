import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, timestampTz } from "../db/columns.ts";
import { messages } from "../conversation/message.sql.ts";
import { users } from "../user/user.sql.ts";

export const media = pgTable(
  "media",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    uuid: uuid("uuid").defaultRandom().notNull().unique(),
    tenantId: tenantId(),
    /** Sanitised (media/filename.ts). */
    filename: text("filename").notNull(),
    /** Sniffed from the bytes (media/sniff.ts); decides how the file is served. */
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    /** Key in the BlobStore; always prefixed by the tenant id. */
    storageKey: text("storage_key").notNull(),
    inline: boolean("inline").default(false).notNull(),
    contentId: text("content_id"),
    messageId: bigint("message_id", { mode: "number" }).references(() => messages.id, { onDelete: "set null" }),
    /** Who uploaded it through the API (an agent, or a widget contact); null for imported mail. */
    uploadedBy: integer("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    /**
     * Uploads only: if no message holds the file at this time, the orphan cleanup deletes it (and so it
     * does once the message holding it is deleted). Null for media that belong to something from the start.
     */
    expiresAt: timestampTz("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("media_message_idx").on(t.messageId),
    index("media_tenant_idx").on(t.tenantId),
    index("media_uploaded_by_idx").on(t.uploadedBy),
    index("media_orphan_idx").on(t.expiresAt).where(sql`${t.messageId} IS NULL AND ${t.expiresAt} IS NOT NULL`),
  ],
);
