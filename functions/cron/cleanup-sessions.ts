import { deleteExpiredSessions } from "@helperiq/core/auth/cleanup";
import { sharedDatabase } from "../database.ts";

/** Scheduled by infra/cron.ts: removes expired browser sessions of every workspace. */
export async function handler(): Promise<{ deleted: number }> {
  const deleted = await deleteExpiredSessions(sharedDatabase().db, new Date());
  console.log(`[cleanup-sessions] deleted ${deleted} expired sessions`);
  return { deleted };
}
