import { and, asc, or, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import { users } from "../user/user.sql.ts";
import { contactChannels } from "./contact.sql.ts";
import { contactsOf } from "./scope.ts";
import { contactColumns, contactViews, type ContactView } from "./view.ts";

export const MIN_SEARCH_LENGTH = 2;
export const MAX_SEARCH_RESULTS = 20;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * Contacts whose name, email, phone or alternate channel contains `q`, case-insensitively; exact email
 * matches (primary or channel) first. The lower(...) expressions match the trigram indexes on `users`.
 */
export async function searchContacts(ctx: Ctx, q: string): Promise<ContactView[]> {
  const needle = q.trim().toLowerCase();
  if (needle.length < MIN_SEARCH_LENGTH) throw new InputError(`q: at least ${MIN_SEARCH_LENGTH} characters`);
  const pattern = `%${escapeLike(needle)}%`;
  const email = sql`lower(coalesce(${users.email}, ''))`;
  const channelMatches = (condition: ReturnType<typeof sql>) =>
    sql`EXISTS (SELECT 1 FROM ${contactChannels} ch WHERE ch.contact_id = ${users.id} AND ${condition})`;
  const rows = await ctx.db
    .select(contactColumns)
    .from(users)
    .where(
      and(
        contactsOf(ctx),
        or(
          sql`${email} LIKE ${pattern}`,
          sql`lower(${users.firstName} || ' ' || ${users.lastName}) LIKE ${pattern}`,
          sql`lower(coalesce(${users.phone}, '')) LIKE ${pattern}`,
          channelMatches(sql`lower(ch.value) LIKE ${pattern}`),
        ),
      ),
    )
    .orderBy(
      sql`(${email} = ${needle} OR ${channelMatches(sql`lower(ch.value) = ${needle}`)}) DESC`,
      asc(users.firstName),
      asc(users.lastName),
      asc(users.id),
    )
    .limit(MAX_SEARCH_RESULTS);
  return contactViews(ctx, rows);
}
