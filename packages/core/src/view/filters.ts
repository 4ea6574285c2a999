import { and, eq, or } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { CONVERSATION_FILTER_OPTIONS, CONVERSATION_FILTERS } from "../conversation/filters.ts";
import { customAttributes } from "../custom-attribute/custom-attribute.sql.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { compileFilters } from "../filter/index.ts";
import { views } from "./view.sql.ts";

/** A saved filter as the client wrote it; LibreDesk's UI adds the `model` it reads back. */
export type SavedFilter = { model?: string; field: string; operator: string; value: unknown };

const ATTRIBUTE_PREFIX = "custom_attributes.";

/**
 * Checks a view's filters exactly as the conversation list will compile them, and that every
 * `custom_attributes.<key>` names a conversation attribute of this workspace (a saved typo would match
 * nothing, silently). Returns them reduced to {field, operator, value} (and `model` when given).
 */
export async function checkViewFilters(ctx: Pick<Ctx, "db" | "tenantId">, filters: unknown[]): Promise<SavedFilter[]> {
  compileFilters(filters, CONVERSATION_FILTERS, CONVERSATION_FILTER_OPTIONS);
  const saved = (filters as SavedFilter[]).map(({ model, field, operator, value }) =>
    model === undefined ? { field, operator, value } : { model, field, operator, value },
  );
  const attributeFields = saved
    .map((f, i) => [f.field, i] as const)
    .filter(([field]) => field.startsWith(ATTRIBUTE_PREFIX));
  if (attributeFields.length === 0) return saved;
  const defined = await ctx.db
    .select({ key: customAttributes.key })
    .from(customAttributes)
    .where(and(eq(customAttributes.tenantId, ctx.tenantId), eq(customAttributes.appliesTo, "conversation")));
  for (const [field, i] of attributeFields) {
    const key = field.slice(ATTRIBUTE_PREFIX.length);
    if (!defined.some((d) => d.key === key))
      throw new InputError(`filters[${i}].field: no conversation attribute with key "${key}"`);
  }
  return saved;
}

/** The saved filters of a view the caller may use (a shared one, or one of their own), for the conversation list. */
export async function viewFilters(ctx: Ctx, viewId: number): Promise<unknown[]> {
  const me = ctx.actor.type === "agent" ? ctx.actor.userId : 0;
  const [view] = await ctx.db
    .select({ filters: views.filters })
    .from(views)
    .where(
      and(
        eq(views.id, viewId),
        eq(views.tenantId, ctx.tenantId),
        or(eq(views.visibility, "all"), eq(views.userId, me)),
      ),
    );
  if (!view) throw new NotFoundError("View");
  return view.filters;
}
