import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { isUniqueViolation } from "../db/unique.ts";
import { InputError } from "../errors/index.ts";
import { users } from "../user/user.sql.ts";
import { contactChannels } from "./contact.sql.ts";
import { contactsOf } from "./scope.ts";
import type { ChannelKind } from "./view.ts";

export type ChannelInput = { kind: ChannelKind; value: string };

/** Addresses compare case-insensitively; emails are stored lower-cased, phones as typed (trimmed). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const normalizeChannel = (ch: ChannelInput): ChannelInput => ({
  kind: ch.kind,
  value: ch.kind === "email" ? normalizeEmail(ch.value) : ch.value.trim(),
});

export type ContactAddresses = {
  /** The contact being written; null when creating one. */
  self: number | null;
  /** Its primary email after the write. */
  email: string | null;
  /** Only a new or changed primary email is checked against other contacts. */
  emailChanged: boolean;
  /** The channel set being written, if any. */
  channels?: ChannelInput[] | undefined;
};

const DUPLICATE_EMAIL = "email: a contact with this email already exists";
const TAKEN_CHANNEL = "belongs to another contact";

/**
 * An email address identifies one contact: a contact's primary email and its channels must not
 * be another contact's primary email or channel, nor repeat each other. Throws a 400 naming the field.
 */
export async function assertAddressesFree(ctx: Ctx, contact: ContactAddresses): Promise<void> {
  const { self, email, emailChanged } = contact;
  const list = contact.channels ?? [];
  const seen = new Set<string>();
  list.forEach((ch, i) => {
    const key = `${ch.kind}:${ch.value.toLowerCase()}`;
    if (seen.has(key)) throw new InputError(`channels[${i}].value: listed twice`);
    if (ch.kind === "email" && ch.value === email)
      throw new InputError(`channels[${i}].value: is the contact's primary email`);
    seen.add(key);
  });
  const emails = [
    ...(emailChanged && email ? [email] : []),
    ...list.filter((ch) => ch.kind === "email").map((ch) => ch.value),
  ];
  const values = [...emails, ...list.filter((ch) => ch.kind === "phone").map((ch) => ch.value.toLowerCase())];
  if (values.length === 0) return;
  const notSelf = self === null ? undefined : ne(users.id, self);
  const [primaries, others] = await Promise.all([
    emails.length
      ? ctx.db
          .select({ value: sql<string>`lower(${users.email})` })
          .from(users)
          .where(and(contactsOf(ctx), notSelf, inArray(sql`lower(${users.email})`, emails)))
      : [],
    ctx.db
      .select({ kind: contactChannels.kind, value: sql<string>`lower(${contactChannels.value})` })
      .from(contactChannels)
      .innerJoin(users, eq(users.id, contactChannels.contactId))
      .where(
        and(
          eq(contactChannels.tenantId, ctx.tenantId),
          isNull(users.deletedAt),
          notSelf,
          inArray(sql`lower(${contactChannels.value})`, values),
        ),
      ),
  ]);
  const primaryTaken = new Set(primaries.map((p) => p.value));
  const channelTaken = new Set(others.map((o) => `${o.kind}:${o.value}`));
  if (emailChanged && email && (primaryTaken.has(email) || channelTaken.has(`email:${email}`)))
    throw new InputError(DUPLICATE_EMAIL);
  list.forEach((ch, i) => {
    const value = ch.value.toLowerCase();
    if ((ch.kind === "email" && primaryTaken.has(value)) || channelTaken.has(`${ch.kind}:${value}`)) {
      throw new InputError(`channels[${i}].value: ${TAKEN_CHANNEL}`);
    }
  });
}

/** A unique violation that slipped past the check above (a concurrent write) is still a 400 naming the field. */
export function rethrowDuplicateAddress(err: unknown): never {
  if (!isUniqueViolation(err)) throw err;
  throw new InputError(
    violatedConstraint(err).startsWith("contact_channels") ? `channels: an address ${TAKEN_CHANNEL}` : DUPLICATE_EMAIL,
  );
}

function violatedConstraint(err: unknown): string {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const name = (e as { constraint?: unknown }).constraint;
    if (typeof name === "string") return name;
  }
  return "";
}
