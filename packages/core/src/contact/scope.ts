import { and, eq, isNull, type SQL } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { NotFoundError } from "../errors/index.ts";
import { users } from "../user/user.sql.ts";
import { contactColumns, contactView, type ContactRecord, type ContactView } from "./view.ts";

/** Live contacts of the caller's workspace: agents, visitors and the System user are never contacts. */
export const contactsOf = (ctx: Pick<Ctx, "tenantId">): SQL =>
  and(eq(users.tenantId, ctx.tenantId), eq(users.type, "contact"), isNull(users.deletedAt))!;

/** The contact with `id`, or 404 (other workspaces' contacts and non-contact users alike). */
export async function requireContact(ctx: Ctx, id: number): Promise<ContactRecord> {
  const [row] = await ctx.db
    .select(contactColumns)
    .from(users)
    .where(and(contactsOf(ctx), eq(users.id, id)));
  if (!row) throw new NotFoundError("Contact");
  return row;
}

export async function getContact(ctx: Ctx, id: number): Promise<ContactView> {
  return contactView(ctx, await requireContact(ctx, id));
}
