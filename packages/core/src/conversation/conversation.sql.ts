import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
  bigint,
} from "drizzle-orm/pg-core";
import { createdAt, tenantId, timestampTz, updatedAt } from "../db/columns.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { priorities, statuses } from "../status/status.sql.ts";
import { tags } from "../tag/tag.sql.ts";
import { teams } from "../team/team.sql.ts";
import { users } from "../user/user.sql.ts";

export const conversations = pgTable(
  "conversations",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    uuid: uuid("uuid").defaultRandom().notNull().unique(),
    tenantId: tenantId(),
    referenceNumber: integer("reference_number").notNull(),
    inboxId: integer("inbox_id")
      .notNull()
      .references(() => inboxes.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => users.id),
    statusId: integer("status_id")
      .notNull()
      .references(() => statuses.id),
    priorityId: smallint("priority_id").references(() => priorities.id),
    assignedUserId: integer("assigned_user_id").references(() => users.id, { onDelete: "set null" }),
    assignedTeamId: integer("assigned_team_id").references(() => teams.id, { onDelete: "set null" }),
    subject: text("subject").default("").notNull(),
    lastMessage: text("last_message").default("").notNull(),
    lastMessageSenderType: text("last_message_sender_type"),
    lastMessageAt: timestampTz("last_message_at"),
    lastInteractionAt: timestampTz("last_interaction_at"),
    waitingSince: timestampTz("waiting_since"),
    firstReplyAt: timestampTz("first_reply_at"),
    resolvedAt: timestampTz("resolved_at"),
    closedAt: timestampTz("closed_at"),
    snoozedUntil: timestampTz("snoozed_until"),
    nextSlaDeadlineAt: timestampTz("next_sla_deadline_at"),
    /**
     * When the conversation entered its current status. Kept by the database (trigger
     * `conversations_status_changed_at`, migration 0013) whatever code path changes `status_id`, so the trash
     * retention (conversation/retention.ts) can trust "in Trash/Spam/Resolved since".
     */
    statusChangedAt: timestampTz("status_changed_at").defaultNow().notNull(),
    customAttributes: jsonb("custom_attributes").$type<Record<string, unknown>>().default({}).notNull(),
    meta: jsonb("meta").$type<Record<string, unknown>>().default({}).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("conversations_tenant_ref_key").on(t.tenantId, t.referenceNumber),
    // List paths: every list is tenant-scoped, most filter by status and sort by last_message_at.
    index("conversations_tenant_status_last_msg_idx").on(t.tenantId, t.statusId, t.lastMessageAt.desc()),
    index("conversations_tenant_last_msg_idx").on(t.tenantId, t.lastMessageAt.desc()),
    index("conversations_tenant_created_idx").on(t.tenantId, t.createdAt.desc()),
    index("conversations_tenant_assignee_idx").on(t.tenantId, t.assignedUserId, t.lastMessageAt.desc()),
    index("conversations_tenant_team_idx").on(t.tenantId, t.assignedTeamId, t.lastMessageAt.desc()),
    index("conversations_tenant_inbox_idx").on(t.tenantId, t.inboxId),
    index("conversations_contact_idx").on(t.contactId),
    // Every foreign key's column leads an index: deleting a referenced row (an agent, a contact, a purged
    // workspace's rows) looks its referencing rows up by it, which is a scan of the whole table without one.
    index("conversations_inbox_idx").on(t.inboxId),
    index("conversations_status_idx").on(t.statusId),
    index("conversations_assignee_idx").on(t.assignedUserId),
    index("conversations_team_idx").on(t.assignedTeamId),
    index("conversations_snoozed_idx").on(t.snoozedUntil).where(sql`${t.snoozedUntil} IS NOT NULL`),
    index("conversations_custom_attributes_idx").using("gin", t.customAttributes),
    index("conversations_subject_trgm_idx").using("gin", sql`lower(${t.subject}) gin_trgm_ops`),
  ],
);

export const conversationTags = pgTable(
  "conversation_tags",
  {
    tenantId: tenantId(),
    conversationId: bigint("conversation_id", { mode: "number" })
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    tagId: integer("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.tagId] }),
    index("conversation_tags_tag_idx").on(t.tagId),
    index("conversation_tags_tenant_idx").on(t.tenantId),
  ],
);

export const PARTICIPANT_KINDS = ["follower", "mentioned"] as const;

/** Followers (HQ) and mentioned agents; both widen the visibility rule for that user. */
export const conversationParticipants = pgTable(
  "conversation_participants",
  {
    tenantId: tenantId(),
    conversationId: bigint("conversation_id", { mode: "number" })
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: PARTICIPANT_KINDS }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId, t.kind] }),
    index("conversation_participants_user_idx").on(t.userId, t.kind),
    index("conversation_participants_tenant_idx").on(t.tenantId),
  ],
);

/** Per agent × conversation read state, for unread counts and mark-unread. */
export const conversationReads = pgTable(
  "conversation_reads",
  {
    tenantId: tenantId(),
    conversationId: bigint("conversation_id", { mode: "number" })
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    lastSeenAt: timestampTz("last_seen_at"),
    markedUnread: boolean("marked_unread").default(false).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.conversationId] }),
    index("conversation_reads_conversation_idx").on(t.conversationId),
    index("conversation_reads_tenant_idx").on(t.tenantId),
  ],
);

export const drafts = pgTable(
  "drafts",
  {
    tenantId: tenantId(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    conversationId: bigint("conversation_id", { mode: "number" })
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    content: text("content").default("").notNull(),
    /** private, is_forward, to/cc/bcc, mentions, macro_id. */
    meta: jsonb("meta").$type<Record<string, unknown>>().default({}).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.conversationId] }),
    index("drafts_conversation_idx").on(t.conversationId),
    index("drafts_tenant_idx").on(t.tenantId),
  ],
);

export const pageVisits = pgTable(
  "page_visits",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: tenantId(),
    conversationId: bigint("conversation_id", { mode: "number" })
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    title: text("title").default("").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("page_visits_conversation_idx").on(t.conversationId, t.createdAt),
    index("page_visits_tenant_idx").on(t.tenantId),
  ],
);
