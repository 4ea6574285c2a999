import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, timestampTz, updatedAt } from "../db/columns.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { messages } from "../conversation/message.sql.ts";

/**
 * Outcome of one IMAP message (inbox × UIDVALIDITY × UID). `imported` and `skipped` rows are written in
 * the same transaction as what the import wrote, so a crash leaves either both or neither; `pending`
 * counts failed attempts of a message still to be retried; `failed` is a poison message given up on.
 */
export const MAIL_IMPORT_STATUSES = ["imported", "skipped", "pending", "failed"] as const;
export type MailImportStatus = (typeof MAIL_IMPORT_STATUSES)[number];

export const mailImports = pgTable(
  "mail_imports",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: tenantId(),
    inboxId: integer("inbox_id")
      .notNull()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    uidValidity: bigint("uid_validity", { mode: "number" }).notNull(),
    uid: bigint("uid", { mode: "number" }).notNull(),
    /** RFC form `<id@host>`; `sha256:<hex of the raw bytes>` when the mail has none. Null if unparseable. */
    messageId: text("message_id"),
    status: text("status", { enum: MAIL_IMPORT_STATUSES }).notNull(),
    /** Why it was skipped (`duplicate`, `own_address`, `own_message`, `bounce_unmatched`…) or the last error. */
    reason: text("reason"),
    attempts: integer("attempts").default(0).notNull(),
    lastError: text("last_error"),
    /** The message row it became (imported mail, or the activity record of a bounce). */
    messageRowId: bigint("message_row_id", { mode: "number" }).references(() => messages.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("mail_imports_uid_key").on(t.inboxId, t.uidValidity, t.uid),
    // One import per Message-ID and inbox, whatever UID (or UIDVALIDITY) it is seen under.
    uniqueIndex("mail_imports_message_id_key")
      .on(t.inboxId, t.messageId)
      .where(sql`${t.status} = 'imported' AND ${t.messageId} IS NOT NULL`),
    index("mail_imports_lookup_idx").on(t.inboxId, t.messageId),
    index("mail_imports_failed_idx").on(t.tenantId, t.inboxId).where(sql`${t.status} = 'failed'`),
    index("mail_imports_message_row_idx").on(t.messageRowId),
  ],
);

/**
 * Poll state of an email inbox. `last_uid` is a low-water mark: every UID up to it (under `uid_validity`)
 * has a final ledger row; the poll lease (`poll_locked_until` + `poll_token`) keeps two runs off one mailbox,
 * and every import commits only while its run still holds the token.
 */
export const inboxMailState = pgTable(
  "inbox_mail_state",
  {
    inboxId: integer("inbox_id")
      .primaryKey()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    tenantId: tenantId(),
    uidValidity: bigint("uid_validity", { mode: "number" }),
    lastUid: bigint("last_uid", { mode: "number" }).default(0).notNull(),
    pollLockedUntil: timestampTz("poll_locked_until"),
    pollToken: uuid("poll_token"),
    lastPolledAt: timestampTz("last_polled_at"),
    /** Last run-level failure (connection, login, mailbox), cleared by a successful run. */
    lastError: text("last_error"),
    importedCount: integer("imported_count").default(0).notNull(),
    skippedCount: integer("skipped_count").default(0).notNull(),
    /** Poison messages given up on (status `failed` in mail_imports). */
    failedCount: integer("failed_count").default(0).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [index("inbox_mail_state_tenant_idx").on(t.tenantId)],
);
