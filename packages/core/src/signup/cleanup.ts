import { lte } from "drizzle-orm";
import { signups } from "../platform/platform.sql.ts";
import type { Db } from "../port/database.ts";

/** How long a dead sign-up row is kept after its `expires_at`, to look into a complaint about a link. */
export const SIGNUP_KEEP_MS = 24 * 3600_000;

/**
 * Deletes sign-ups dead for more than SIGNUP_KEEP_MS, so the table stays the size of a day's sign-ups. Every row
 * dies at `expires_at`: an unverified one when its link expires, a verified one when its hand-off does, and a
 * spent hand-off is stamped with the moment it was spent. The workspace a sign-up created keeps its own audit
 * trail (`platform_audit`), which does not depend on this row.
 */
export async function deleteStaleSignups(db: Db, now: Date): Promise<number> {
  const deleted = await db
    .delete(signups)
    .where(lte(signups.expiresAt, new Date(now.getTime() - SIGNUP_KEEP_MS)))
    .returning({ id: signups.id });
  return deleted.length;
}
