import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { CONVERSATION_FILTERS } from "../conversation/list.ts";
import { customAttributes } from "../custom-attribute/custom-attribute.sql.ts";
import { InputError } from "../errors/index.ts";
import { compileFilters } from "../filter/index.ts";

export type SavedFilter = { field: string; operator: string; value: unknown };

const ATTRIBUTE_PREFIX = "custom_attributes.";

/**
 * Checks a view's filters exactly as the conversation list will compile them, and that every
 * `custom_attributes.<key>` names a conversation attribute of this workspace (a saved typo would match
 * nothing, silently). Returns them reduced to {field, operator, value}.
 */
export async function checkViewFilters(ctx: Pick<Ctx, "db" | "tenantId">, filters: unknown[]): Promise<SavedFilter[]> {
  compileFilters(filters, CONVERSATION_FILTERS, { customAttributes: conversations.customAttributes });
  const saved = (filters as SavedFilter[]).map(({ field, operator, value }) => ({ field, operator, value }));
  const attributeFields = saved.map((f, i) => [f.field, i] as const).filter(([field]) => field.startsWith(ATTRIBUTE_PREFIX));
  if (attributeFields.length === 0) return saved;
  const defined = await ctx.db
    .select({ key: customAttributes.key })
    .from(customAttributes)
    .where(and(eq(customAttributes.tenantId, ctx.tenantId), eq(customAttributes.appliesTo, "conversation")));
  for (const [field, i] of attributeFields) {
    const key = field.slice(ATTRIBUTE_PREFIX.length);
    if (!defined.some((d) => d.key === key)) throw new InputError(`filters[${i}].field: no conversation attribute with key "${key}"`);
  }
  return saved;
}
