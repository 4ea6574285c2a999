import { eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { validateAttributeValues } from "../custom-attribute/values.ts";
import { users } from "../user/user.sql.ts";
import { changeConversation, type ChangeTarget } from "./change.ts";

/** Merges `values` into `current`; a null value removes its key. */
function merged(current: Record<string, unknown>, values: Record<string, unknown>) {
  const out = { ...current };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

const keysOf = (values: Record<string, unknown>) => Object.keys(values).join(", ");

/** PUT …/custom-attributes: merges checked values into the conversation's attributes. */
export async function setConversationAttributes(
  ctx: Ctx,
  target: ChangeTarget,
  values: Record<string, unknown>,
): Promise<boolean> {
  await validateAttributeValues(ctx, "conversation", values);
  return changeConversation(ctx, target, (row, _tx, who) => {
    const next = merged(row.customAttributes, values);
    if (JSON.stringify(next) === JSON.stringify(row.customAttributes)) return null;
    return {
      set: { customAttributes: next },
      changes: { custom_attributes: next },
      activity: {
        kind: "custom_attributes",
        text: `${who} updated ${keysOf(values)}`,
        meta: { keys: Object.keys(values) },
      },
    };
  });
}

/** PUT …/contacts/custom-attributes: the same for the conversation's contact. */
export async function setContactAttributes(
  ctx: Ctx,
  target: ChangeTarget,
  values: Record<string, unknown>,
): Promise<boolean> {
  await validateAttributeValues(ctx, "contact", values);
  return changeConversation(ctx, target, async (row, tx, who) => {
    const [contact] = await tx
      .select({ attrs: users.customAttributes })
      .from(users)
      .where(eq(users.id, row.contactId))
      .for("update");
    const next = merged(contact!.attrs, values);
    if (JSON.stringify(next) === JSON.stringify(contact!.attrs)) return null;
    return {
      set: {},
      changes: { contact: { custom_attributes: next } },
      activity: {
        kind: "contact_custom_attributes",
        text: `${who} updated the contact's ${keysOf(values)}`,
        meta: { keys: Object.keys(values) },
      },
      also: async (db) => {
        await db.update(users).set({ customAttributes: next }).where(eq(users.id, row.contactId));
      },
    };
  });
}
