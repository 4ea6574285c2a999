import { bigint, bigserial, boolean, index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId } from "../db/columns.ts";
import { messages } from "../message/message.sql.ts";

export const media = pgTable(
  "media",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    uuid: uuid("uuid").defaultRandom().notNull().unique(),
    tenantId: tenantId(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    /** Key in the BlobStore; always prefixed by the tenant id. */
    storageKey: text("storage_key").notNull(),
    inline: boolean("inline").default(false).notNull(),
    contentId: text("content_id"),
    messageId: bigint("message_id", { mode: "number" }).references(() => messages.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("media_message_idx").on(t.messageId), index("media_tenant_idx").on(t.tenantId)],
);
