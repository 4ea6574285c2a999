import { and, asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { sanitizeMessageHtml } from "../html/sanitize.ts";
import { teamIdsByRef } from "../team/index.ts";
import { macrosVisibleTo } from "./access.ts";
import { type RawMacroAction, type ResolvedMacroAction, resolveActions } from "./actions.ts";
import { MACRO_CONTEXTS, type MACRO_VISIBILITIES, macros } from "./macro.sql.ts";
import { checkTemplate } from "./template.ts";

export * from "./macro.sql.ts";
export { MACRO_ACTION_TYPES, MAX_MACRO_ACTIONS, type RawMacroAction, type ResolvedMacroAction } from "./actions.ts";
export { TEMPLATE_VARIABLES } from "./template.ts";

type MacroRow = typeof macros.$inferSelect;
type Visibility = (typeof MACRO_VISIBILITIES)[number];
type MacroContext = (typeof MACRO_CONTEXTS)[number];

export function macroView(row: MacroRow) {
  return {
    id: row.id,
    name: row.name,
    // Inserted into the reply editor as HTML: sanitised like a message, also on the way out, since rows
    // written before content was sanitised on save may still hold scripts or event handlers.
    message_content: sanitizeMessageHtml(row.messageContent),
    visibility: row.visibility,
    team_id: row.teamId,
    user_id: row.userId,
    visible_when: row.visibleWhen,
    actions: row.actions,
    usage_count: row.usageCount,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type MacroView = ReturnType<typeof macroView>;

export type MacroInput = {
  name: string;
  message_content?: string | undefined;
  visibility?: Visibility | undefined;
  team_id?: number | null | undefined;
  visible_when?: MacroContext[] | undefined;
  actions?: RawMacroAction[] | undefined;
};

const visible = (ctx: Ctx, id: number) =>
  and(eq(macros.id, id), eq(macros.tenantId, ctx.tenantId), macrosVisibleTo(ctx.actor));

export async function listMacros(ctx: Ctx): Promise<MacroView[]> {
  const rows = await ctx.db
    .select()
    .from(macros)
    .where(and(eq(macros.tenantId, ctx.tenantId), macrosVisibleTo(ctx.actor)))
    .orderBy(asc(macros.name), asc(macros.id));
  return rows.map(macroView);
}

export async function getMacro(ctx: Ctx, id: number): Promise<MacroView> {
  const [row] = await ctx.db.select().from(macros).where(visible(ctx, id));
  if (!row) throw new NotFoundError("Macro");
  return macroView(row);
}

export async function createMacro(ctx: Ctx, input: MacroInput): Promise<MacroView> {
  const fields = await checkedFields(ctx, {
    name: input.name,
    messageContent: input.message_content ?? "",
    visibility: input.visibility ?? "all",
    teamId: input.team_id ?? null,
    userId: null,
    visibleWhen: input.visible_when ?? [...MACRO_CONTEXTS],
    actions: input.actions ?? [],
  });
  const [row] = await ctx.db
    .insert(macros)
    .values({ tenantId: ctx.tenantId, ...fields })
    .returning();
  return macroView(row!);
}

/** Partial update, checked as a whole: the merged macro must be valid, not just the fields sent. */
export async function updateMacro(ctx: Ctx, id: number, input: Partial<MacroInput>): Promise<MacroView> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(macros).where(visible(ctx, id)).for("update");
    if (!current) throw new NotFoundError("Macro");
    const visibility = input.visibility ?? current.visibility;
    const fields = await checkedFields(
      { ...ctx, db: tx },
      {
        name: input.name ?? current.name,
        messageContent: input.message_content ?? current.messageContent,
        visibility,
        // Moving a team macro elsewhere drops its team unless one is sent.
        teamId: input.team_id !== undefined ? input.team_id : visibility === "team" ? current.teamId : null,
        userId: current.userId,
        visibleWhen: input.visible_when ?? current.visibleWhen,
        actions: input.actions ?? current.actions,
      },
    );
    const [row] = await tx
      .update(macros)
      .set({ ...fields, updatedAt: ctx.clock.now() })
      .where(eq(macros.id, id))
      .returning();
    return macroView(row!);
  });
}

export async function deleteMacro(ctx: Ctx, id: number): Promise<void> {
  const rows = await ctx.db.delete(macros).where(visible(ctx, id)).returning({ id: macros.id });
  if (rows.length === 0) throw new NotFoundError("Macro");
}

/**
 * The checked actions of a macro the caller sees, for the conversation that applies it; they are checked
 * again because a status, tag, agent or team they name may have gone since the macro was saved.
 */
export async function resolveMacroActions(ctx: Ctx, macroId: number): Promise<ResolvedMacroAction[]> {
  const [row] = await ctx.db.select({ actions: macros.actions }).from(macros).where(visible(ctx, macroId));
  if (!row) throw new NotFoundError("Macro");
  return resolveActions(ctx, row.actions);
}

/** Counts one application of a macro (call it once the actions were applied). */
export async function recordMacroUse(ctx: Ctx, macroId: number): Promise<void> {
  await ctx.db
    .update(macros)
    .set({ usageCount: sql`${macros.usageCount} + 1` })
    .where(and(eq(macros.id, macroId), eq(macros.tenantId, ctx.tenantId)));
}

type MacroFields = Pick<MacroRow, "name" | "messageContent" | "visibility" | "teamId" | "userId" | "visibleWhen"> & {
  actions: RawMacroAction[];
};

/**
 * Cross-field rules: a team macro names a team of this workspace, a personal one belongs to its author.
 * The content is stored sanitised like message HTML (the template is checked on what is stored).
 */
async function checkedFields(ctx: Ctx, input: MacroFields): Promise<MacroFields & { actions: ResolvedMacroAction[] }> {
  const f = { ...input, messageContent: sanitizeMessageHtml(input.messageContent) };
  checkTemplate(f.messageContent);
  const actions = await resolveActions(ctx, f.actions);
  if (f.messageContent.trim() === "" && actions.length === 0) {
    throw new InputError("message_content: a macro needs message content or at least one action");
  }
  if (f.visibleWhen.length === 0) throw new InputError("visible_when: choose at least one place to offer the macro");
  const visibleWhen = [...new Set(f.visibleWhen)];
  switch (f.visibility) {
    case "team": {
      if (f.teamId === null) throw new InputError("team_id: required for a team macro");
      const [teamId] = await teamIdsByRef(ctx, [f.teamId], "team_id");
      return { ...f, visibleWhen, actions, teamId: teamId!, userId: null };
    }
    case "personal":
      if (f.teamId !== null) throw new InputError("team_id: only team macros have a team");
      if (ctx.actor.type !== "agent") throw new InputError("visibility: a personal macro needs an agent as its author");
      // Other agents' personal macros are invisible, so an existing owner is always the caller.
      return { ...f, visibleWhen, actions, teamId: null, userId: f.userId ?? ctx.actor.userId };
    case "all":
      if (f.teamId !== null) throw new InputError("team_id: only team macros have a team");
      return { ...f, visibleWhen, actions, teamId: null, userId: null };
  }
}
