import { index, integer, jsonb, pgTable, serial, text } from "drizzle-orm/pg-core";
import { createdAt, tenantId, updatedAt } from "../db/columns.ts";
import { teams } from "../team/team.sql.ts";
import { users } from "../user/user.sql.ts";

export const MACRO_VISIBILITIES = ["all", "team", "personal"] as const;
export const MACRO_CONTEXTS = ["replying", "starting_conversation", "adding_private_note"] as const;
export type MacroAction = { type: string; value: unknown };

export const macros = pgTable(
  "macros",
  {
    id: serial("id").primaryKey(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    messageContent: text("message_content").default("").notNull(),
    visibility: text("visibility", { enum: MACRO_VISIBILITIES }).default("all").notNull(),
    visibleWhen: text("visible_when").array().$type<(typeof MACRO_CONTEXTS)[number][]>().default([]).notNull(),
    teamId: integer("team_id").references(() => teams.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    actions: jsonb("actions").$type<MacroAction[]>().default([]).notNull(),
    usageCount: integer("usage_count").default(0).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("macros_tenant_idx").on(t.tenantId),
    index("macros_team_idx").on(t.teamId),
    index("macros_user_idx").on(t.userId),
  ],
);
