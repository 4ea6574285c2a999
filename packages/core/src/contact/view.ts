import { asc, inArray } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { users } from "../user/user.sql.ts";
import { contactChannels } from "./contact.sql.ts";

export type ChannelKind = "email" | "phone";
export type ContactChannel = { id: number; kind: ChannelKind; value: string };

export type ContactView = {
  id: number;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  avatar_url: string | null;
  blocked: boolean;
  /** LibreDesk's name for the same fact, which its agent UI reads: a blocked contact is not enabled. */
  enabled: boolean;
  custom_attributes: Record<string, unknown>;
  channels: ContactChannel[];
  created_at: string | null;
  updated_at: string | null;
};

/** The `users` columns a contact view is made of (never the agent-only ones such as password_hash). */
export const contactColumns = {
  id: users.id,
  firstName: users.firstName,
  lastName: users.lastName,
  email: users.email,
  phone: users.phone,
  avatarUrl: users.avatarUrl,
  blocked: users.blocked,
  customAttributes: users.customAttributes,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

export type ContactRecord = {
  id: number;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  avatarUrl: string | null;
  blocked: boolean;
  customAttributes: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
};

/** Contact views for `records`, in order, with every contact's channels loaded in one query. */
export async function contactViews(ctx: Pick<Ctx, "db">, records: ContactRecord[]): Promise<ContactView[]> {
  if (records.length === 0) return [];
  const channels = await ctx.db
    .select({
      id: contactChannels.id,
      contactId: contactChannels.contactId,
      kind: contactChannels.kind,
      value: contactChannels.value,
    })
    .from(contactChannels)
    .where(
      inArray(
        contactChannels.contactId,
        records.map((r) => r.id),
      ),
    )
    .orderBy(asc(contactChannels.id));
  const byContact = new Map<number, ContactChannel[]>();
  for (const { contactId, ...channel } of channels) {
    byContact.set(contactId, [...(byContact.get(contactId) ?? []), channel]);
  }
  return records.map((r) => ({
    id: r.id,
    first_name: r.firstName,
    last_name: r.lastName,
    email: r.email,
    phone: r.phone,
    avatar_url: r.avatarUrl,
    blocked: r.blocked,
    enabled: !r.blocked,
    custom_attributes: r.customAttributes,
    channels: byContact.get(r.id) ?? [],
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  }));
}

export async function contactView(ctx: Pick<Ctx, "db">, record: ContactRecord): Promise<ContactView> {
  const [view] = await contactViews(ctx, [record]);
  return view!;
}
