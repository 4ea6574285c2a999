import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, tenantId, timestampTz } from "../db/columns.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { users } from "../user/user.sql.ts";

/**
 * Live-chat widget sessions: one per browser (visitor) or per verified sign-in (contact), bound to a
 * workspace, a live-chat inbox and the contact (a `visitor` or `contact` user). The primary key is the
 * SHA-256 of the bearer token; the token itself is never stored (like agent sessions).
 */
export const widgetSessions = pgTable(
  "widget_sessions",
  {
    id: text("id").primaryKey(),
    tenantId: tenantId(),
    inboxId: integer("inbox_id")
      .notNull()
      .references(() => inboxes.id, { onDelete: "cascade" }),
    contactId: integer("contact_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The site's own id of a verified contact (the JWT's `external_user_id` / `sub`); null for visitors. */
    externalId: text("external_id"),
    expiresAt: timestampTz("expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [
    index("widget_sessions_contact_idx").on(t.contactId),
    index("widget_sessions_expires_idx").on(t.expiresAt),
    index("widget_sessions_inbox_idx").on(t.inboxId),
    index("widget_sessions_tenant_idx").on(t.tenantId),
  ],
);
