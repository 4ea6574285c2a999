import { sql } from "drizzle-orm";
import { bigserial, index, integer, pgTable, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "../db/columns.ts";
import { users } from "../user/user.sql.ts";

/** Alternate addresses of a contact (the primary email lives on `users`). */
export const contactChannels = pgTable(
  "contact_channels",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    contactId: integer("contact_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["email", "phone"] }).notNull(),
    value: text("value").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("contact_channels_tenant_value_key").on(t.tenantId, t.kind, sql`lower(${t.value})`),
    index("contact_channels_contact_idx").on(t.contactId),
  ],
);

export const contactNotes = pgTable(
  "contact_notes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: tenantId(),
    contactId: integer("contact_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    note: text("note").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("contact_notes_contact_idx").on(t.contactId, t.createdAt.desc()),
    index("contact_notes_user_idx").on(t.userId),
    index("contact_notes_tenant_idx").on(t.tenantId),
  ],
);
