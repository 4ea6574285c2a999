import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { validateAttributeValues } from "../custom-attribute/values.ts";
import { users } from "../user/user.sql.ts";
import { assertAddressesFree, normalizeChannel, normalizeEmail, rethrowDuplicateAddress, type ChannelInput } from "./addresses.ts";
import { contactChannels } from "./contact.sql.ts";
import { contactsOf, requireContact } from "./scope.ts";
import { contactColumns, contactView, type ContactView } from "./view.ts";

export type ContactUpdate = {
  first_name?: string | undefined;
  last_name?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  avatar_url?: string | null | undefined;
  /** Merged into the stored attributes; a null value removes the key. */
  custom_attributes?: Record<string, unknown> | undefined;
  /** Replaces the contact's whole set of alternate addresses. */
  channels?: ChannelInput[] | undefined;
};

export type QuickContact = { first_name: string; last_name?: string | undefined; email?: string | undefined; phone?: string | undefined };

export async function updateContact(ctx: Ctx, id: number, input: ContactUpdate): Promise<ContactView> {
  const current = await requireContact(ctx, id);
  const email = input.email === undefined ? current.email : input.email && normalizeEmail(input.email);
  const channels = input.channels?.map(normalizeChannel);
  await assertAddressesFree(ctx, { self: id, email, emailChanged: email !== current.email, channels });
  if (input.custom_attributes) await validateAttributeValues(ctx, "contact", input.custom_attributes);
  const row = await ctx.db
    .transaction(async (tx) => {
      const [updated] = await tx
        .update(users)
        .set({
          firstName: input.first_name,
          lastName: input.last_name,
          email,
          phone: input.phone === undefined ? undefined : input.phone?.trim() || null,
          avatarUrl: input.avatar_url,
          customAttributes: input.custom_attributes
            ? sql`jsonb_strip_nulls(${users.customAttributes} || ${JSON.stringify(input.custom_attributes)}::jsonb)`
            : undefined,
          updatedAt: ctx.clock.now(),
        })
        .where(and(contactsOf(ctx), eq(users.id, id)))
        .returning(contactColumns);
      if (channels) {
        await tx.delete(contactChannels).where(and(eq(contactChannels.tenantId, ctx.tenantId), eq(contactChannels.contactId, id)));
        if (channels.length) {
          await tx.insert(contactChannels).values(channels.map((ch) => ({ tenantId: ctx.tenantId, contactId: id, ...ch })));
        }
      }
      return updated!;
    })
    .catch(rethrowDuplicateAddress);
  return contactView(ctx, row);
}

/** A contact from the agent UI's "new contact" form; it needs an email or a phone to be reachable. */
export async function createQuickContact(ctx: Ctx, input: QuickContact): Promise<ContactView> {
  const email = input.email ? normalizeEmail(input.email) : null;
  await assertAddressesFree(ctx, { self: null, email, emailChanged: true });
  const [row] = await ctx.db
    .insert(users)
    .values({
      tenantId: ctx.tenantId,
      type: "contact",
      firstName: input.first_name,
      lastName: input.last_name ?? "",
      email,
      phone: input.phone?.trim() || null,
    })
    .returning(contactColumns)
    .catch(rethrowDuplicateAddress);
  return contactView(ctx, row!);
}

export async function setContactBlocked(ctx: Ctx, id: number, blocked: boolean): Promise<ContactView> {
  await requireContact(ctx, id);
  const [row] = await ctx.db
    .update(users)
    .set({ blocked, updatedAt: ctx.clock.now() })
    .where(and(contactsOf(ctx), eq(users.id, id)))
    .returning(contactColumns);
  return contactView(ctx, row!);
}
