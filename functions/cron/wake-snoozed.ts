import { wakeSnoozedConversations } from "@helperiq/core/conversation/snooze";
import { sharedDatabase } from "../database.ts";

/**
 * Scheduled by infra/cron.ts every minute: reopens due snoozed conversations of every workspace. The
 * conversation_update events are not pushed from here (no realtime hub in this Lambda); clients see the
 * change and its activity message on their next read.
 */
export async function handler(): Promise<{ woken: number }> {
  const { woken } = await wakeSnoozedConversations(sharedDatabase().db, new Date());
  console.log(`[wake-snoozed] reopened ${woken} conversations`);
  return { woken };
}
