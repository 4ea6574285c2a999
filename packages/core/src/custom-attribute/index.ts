import { and, asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { isUniqueViolation } from "../db/unique.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { type AttributeType, checkShape } from "./definition.ts";
import { customAttributes } from "./custom-attribute.sql.ts";
import type { AttributeTarget } from "./values.ts";

export * from "./custom-attribute.sql.ts";
export { validateAttributeValues, type AttributeTarget } from "./values.ts";

type AttributeRow = typeof customAttributes.$inferSelect;

export function attributeView(row: AttributeRow) {
  return {
    id: row.id,
    applies_to: row.appliesTo,
    name: row.name,
    key: row.key,
    description: row.description,
    type: row.type,
    values: row.values,
    regex: row.regex,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type AttributeView = ReturnType<typeof attributeView>;

export type AttributeInput = {
  applies_to: AttributeTarget;
  name: string;
  key: string;
  description?: string | undefined;
  type: AttributeType;
  values?: string[] | undefined;
  regex?: string | null | undefined;
};

const scoped = (ctx: Ctx, id: number) => and(eq(customAttributes.id, id), eq(customAttributes.tenantId, ctx.tenantId));

/** An empty regex means none (forms send ""). */
const regexOf = (regex: string | null | undefined) => (regex ? regex : null);

export async function listAttributes(ctx: Ctx, appliesTo?: AttributeTarget): Promise<AttributeView[]> {
  const rows = await ctx.db
    .select()
    .from(customAttributes)
    .where(
      and(
        eq(customAttributes.tenantId, ctx.tenantId),
        appliesTo ? eq(customAttributes.appliesTo, appliesTo) : undefined,
      ),
    )
    .orderBy(asc(customAttributes.id));
  return rows.map(attributeView);
}

export async function getAttribute(ctx: Ctx, id: number): Promise<AttributeView> {
  const [row] = await ctx.db.select().from(customAttributes).where(scoped(ctx, id));
  if (!row) throw new NotFoundError("Custom attribute");
  return attributeView(row);
}

function duplicateKey(input: { applies_to: string; key: string }) {
  return (err: unknown): never => {
    if (isUniqueViolation(err))
      throw new InputError(`key: a ${input.applies_to} attribute with key "${input.key}" already exists`);
    throw err;
  };
}

export async function createAttribute(ctx: Ctx, input: AttributeInput): Promise<AttributeView> {
  const shape = checkShape({ type: input.type, values: input.values ?? [], regex: regexOf(input.regex) });
  const [row] = await ctx.db
    .insert(customAttributes)
    .values({
      tenantId: ctx.tenantId,
      appliesTo: input.applies_to,
      key: input.key,
      name: input.name,
      description: input.description ?? "",
      ...shape,
    })
    .returning()
    .catch(duplicateKey(input));
  return attributeView(row!);
}

/**
 * Partial update. `key` and `applies_to` are the identity stored values hang on, and `type` decides how
 * those values were checked: all three are fixed at creation (sending the current value back is fine).
 */
export async function updateAttribute(ctx: Ctx, id: number, input: Partial<AttributeInput>): Promise<AttributeView> {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(customAttributes).where(scoped(ctx, id)).for("update");
    if (!current) throw new NotFoundError("Custom attribute");
    if (input.key !== undefined && input.key !== current.key)
      throw new InputError("key: cannot be changed after creation");
    if (input.applies_to !== undefined && input.applies_to !== current.appliesTo) {
      throw new InputError("applies_to: cannot be changed after creation");
    }
    if (input.type !== undefined && input.type !== current.type)
      throw new InputError("type: cannot be changed after creation");
    const shape = checkShape({
      type: current.type,
      values: input.values ?? current.values,
      regex: input.regex === undefined ? current.regex : regexOf(input.regex),
    });
    const [row] = await tx
      .update(customAttributes)
      .set({
        name: input.name ?? current.name,
        description: input.description ?? current.description,
        ...shape,
        updatedAt: ctx.clock.now(),
      })
      .where(eq(customAttributes.id, id))
      .returning();
    return attributeView(row!);
  });
}

/**
 * Deletes attribute definition `id` of the workspace inside `tx` (404 when there is none) and, for a contact
 * attribute, its values on every contact. `release` then removes a conversation attribute's values from
 * conversations: the public operation is deleteAttribute in conversation/cascade.ts, which publishes that.
 */
export async function removeAttribute(
  tx: Db,
  tenantId: number,
  id: number,
  release: (definition: { appliesTo: AttributeTarget; key: string }) => Promise<void>,
): Promise<void> {
  const [row] = await tx
    .delete(customAttributes)
    .where(and(eq(customAttributes.id, id), eq(customAttributes.tenantId, tenantId)))
    .returning({ appliesTo: customAttributes.appliesTo, key: customAttributes.key });
  if (!row) throw new NotFoundError("Custom attribute");
  if (row.appliesTo === "conversation") return release(row);
  await tx
    .update(users)
    .set({ customAttributes: sql`${users.customAttributes} - ${row.key}::text` })
    .where(and(eq(users.tenantId, tenantId), sql`${users.customAttributes} ? ${row.key}::text`));
}
