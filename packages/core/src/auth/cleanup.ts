import { lte } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { deleteExpiredWidgetSessions } from "../widget/session.ts";
import { sessions } from "./auth.sql.ts";

/**
 * Deletes sessions that have expired (a session is live only while `expires_at > now`), in every
 * workspace at once: an expired row is dead for its tenant, so no tenant's data is read or exposed.
 * Agents' browser sessions and live-chat widget sessions alike.
 */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const deleted = await db.delete(sessions).where(lte(sessions.expiresAt, now)).returning({ id: sessions.id });
  return deleted.length + (await deleteExpiredWidgetSessions(db, now));
}
