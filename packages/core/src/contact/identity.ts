import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { contactChannels } from "./contact.sql.ts";
import { contactsOf } from "./scope.ts";

/**
 * The contact with `email` (already normalised) (primary, then alternate addresses), created when there is
 * none. Concurrent creators of the same address meet on the unique index and both get the one row.
 */
export async function findOrCreateContactByEmail(
  db: Db,
  tenantId: number,
  contact: { first_name: string; last_name?: string | undefined; email: string },
) {
  const find = () => findContactIdByEmail(db, tenantId, contact.email);
  const found = await find();
  if (found !== undefined) return found;
  const [created] = await db
    .insert(users)
    .values({
      tenantId,
      type: "contact",
      firstName: contact.first_name,
      lastName: contact.last_name ?? "",
      email: contact.email,
    })
    .onConflictDoNothing()
    .returning({ id: users.id });
  return created?.id ?? (await find())!;
}

/** The contact with `email` (already normalised): primary email first, then alternate addresses. */
export async function findContactIdByEmail(db: Db, tenantId: number, email: string): Promise<number | undefined> {
  const [primary] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(contactsOf({ tenantId }), eq(sql`lower(${users.email})`, email)));
  if (primary) return primary.id;
  const [channel] = await db
    .select({ id: contactChannels.contactId })
    .from(contactChannels)
    .innerJoin(users, eq(users.id, contactChannels.contactId))
    .where(
      and(
        eq(contactChannels.tenantId, tenantId),
        eq(contactChannels.kind, "email"),
        eq(sql`lower(${contactChannels.value})`, email),
        isNull(users.deletedAt),
      ),
    );
  return channel?.id;
}
