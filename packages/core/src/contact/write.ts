import { and, eq, sql } from "drizzle-orm";
import { can, type Ctx } from "../context/index.ts";
import { validateAttributeValues } from "../custom-attribute/values.ts";
import { InputError, PermissionError } from "../errors/index.ts";
import { avatarPath, swapAvatar, uploadedAvatarUuid } from "../media/avatar.ts";
import { users } from "../user/user.sql.ts";
import {
  assertAddressesFree,
  normalizeChannel,
  normalizeEmail,
  rethrowDuplicateAddress,
  type ChannelInput,
} from "./addresses.ts";
import { contactChannels } from "./contact.sql.ts";
import { contactsOf, requireContact } from "./scope.ts";
import { contactColumns, contactView, type ContactView } from "./view.ts";

export type ContactUpdate = {
  first_name?: string | undefined;
  last_name?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  /** An external picture, null for none; an uploaded avatar's path only as it already is (see avatar_upload). */
  avatar_url?: string | null | undefined;
  /** A picture stored by media/avatar.ts storeAvatar for this change: it becomes the avatar (over avatar_url). */
  avatar_upload?: string | undefined;
  /** Blocking through the edit form (LibreDesk's `enabled`) needs contacts:block when it changes anything. */
  blocked?: boolean | undefined;
  /** Merged into the stored attributes; a null value removes the key. */
  custom_attributes?: Record<string, unknown> | undefined;
  /** Replaces the contact's whole set of alternate addresses. */
  channels?: ChannelInput[] | undefined;
};

export type QuickContact = {
  first_name: string;
  last_name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
};

/**
 * A partial update of a contact; one transaction. Changing the avatar releases an uploaded previous one
 * (media/avatar.ts); another upload's path cannot be named, only a new picture uploaded.
 */
export async function updateContact(ctx: Ctx, id: number, input: ContactUpdate): Promise<ContactView> {
  const current = await requireContact(ctx, id);
  const avatarUrl = input.avatar_upload ? avatarPath(input.avatar_upload) : input.avatar_url;
  if (!input.avatar_upload && avatarUrl && avatarUrl !== current.avatarUrl && uploadedAvatarUuid(avatarUrl)) {
    throw new InputError("avatar_url: must be an http(s) URL; upload a picture to use one of ours");
  }
  if (input.blocked !== undefined && input.blocked !== current.blocked && !can(ctx.actor, "contacts:block")) {
    throw new PermissionError(`enabled: ${input.blocked ? "blocking" : "unblocking"} a contact needs contacts:block`);
  }
  const email = input.email === undefined ? current.email : input.email && normalizeEmail(input.email);
  const channels = input.channels?.map(normalizeChannel);
  await assertAddressesFree(ctx, { self: id, email, emailChanged: email !== current.email, channels });
  if (input.custom_attributes) await validateAttributeValues(ctx, "contact", input.custom_attributes);
  const row = await ctx.db
    .transaction(async (tx) => {
      // The avatar being replaced is read under the row lock, so concurrent changes release each one once.
      const [locked] = await tx
        .select({ avatarUrl: users.avatarUrl })
        .from(users)
        .where(and(contactsOf(ctx), eq(users.id, id)))
        .for("update");
      const [updated] = await tx
        .update(users)
        .set({
          firstName: input.first_name,
          lastName: input.last_name,
          email,
          phone: input.phone === undefined ? undefined : input.phone?.trim() || null,
          avatarUrl,
          blocked: input.blocked,
          customAttributes: input.custom_attributes
            ? sql`jsonb_strip_nulls(${users.customAttributes} || ${JSON.stringify(input.custom_attributes)}::jsonb)`
            : undefined,
          updatedAt: ctx.clock.now(),
        })
        .where(and(contactsOf(ctx), eq(users.id, id)))
        .returning(contactColumns);
      if (avatarUrl !== undefined)
        await swapAvatar(tx, ctx.tenantId, locked?.avatarUrl ?? null, avatarUrl, ctx.clock.now());
      if (channels) {
        await tx
          .delete(contactChannels)
          .where(and(eq(contactChannels.tenantId, ctx.tenantId), eq(contactChannels.contactId, id)));
        if (channels.length) {
          await tx
            .insert(contactChannels)
            .values(channels.map((ch) => ({ tenantId: ctx.tenantId, contactId: id, ...ch })));
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
