import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { conversations } from "../conversation/conversation.sql.ts";
import { createdAt, tenantId, timestampTz } from "../db/columns.ts";
import { messages } from "../conversation/message.sql.ts";
import { users } from "../user/user.sql.ts";

export const notifications = pgTable(
  "notifications",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: tenantId(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    title: text("title").notNull(),
    description: text("description").default("").notNull(),
    conversationId: bigint("conversation_id", { mode: "number" }).references(() => conversations.id, {
      onDelete: "cascade",
    }),
    messageId: bigint("message_id", { mode: "number" }).references(() => messages.id, { onDelete: "cascade" }),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    meta: jsonb("meta").$type<Record<string, unknown>>().default({}).notNull(),
    readAt: timestampTz("read_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("notifications_user_created_idx").on(t.userId, t.createdAt.desc()),
    index("notifications_user_unread_idx").on(t.userId).where(sql`${t.readAt} IS NULL`),
    index("notifications_tenant_idx").on(t.tenantId),
    index("notifications_conversation_idx").on(t.conversationId),
    index("notifications_message_idx").on(t.messageId),
    index("notifications_actor_idx").on(t.actorId),
  ],
);

/** Mobile push tokens per agent device. */
export const pushTokens = pgTable(
  "push_tokens",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: tenantId(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    token: text("token").notNull(),
    platform: text("platform", { enum: ["ios", "android", "web"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("push_tokens_user_idx").on(t.userId),
    index("push_tokens_token_idx").on(t.token),
    index("push_tokens_tenant_idx").on(t.tenantId),
  ],
);
