import { applyTrashRetention } from "@helperiq/core/conversation/retention";
import { sharedDatabase } from "../database.ts";

/**
 * Scheduled by infra/cron.ts hourly: each workspace's trash retention (setting/trash.ts), i.e. deleting what
 * sat in the trash too long and moving long-Resolved or long-Spam conversations to it. The
 * conversation_update events are not pushed from here (no realtime hub in this Lambda); clients see the
 * moves on their next read. The deleted conversations' files go with the orphan cleanup (CleanupMedia).
 */
export async function handler(): Promise<{ trashed: number; deleted: number }> {
  const { trashed, deleted } = await applyTrashRetention(sharedDatabase().db, new Date());
  console.log(`[trash-retention] deleted ${deleted} conversations, moved ${trashed} to the trash`);
  return { trashed, deleted };
}
