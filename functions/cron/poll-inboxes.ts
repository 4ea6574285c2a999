import { enqueueDuePolls } from "@helperiq/core/mail-in/schedule";
import { sharedDatabase } from "../database.ts";
import { cloudQueue } from "../runtime.ts";

/**
 * Scheduled by infra/cron.ts every minute: enqueues `inbox.poll` for each enabled email inbox whose
 * `read_interval` has elapsed. The queue worker does the polling (bounded batches, one lease per inbox),
 * so a slow mailbox never holds up this function or the other inboxes.
 */
export async function handler(): Promise<{ enqueued: number }> {
  const enqueued = await enqueueDuePolls(sharedDatabase().db, cloudQueue(process.env), new Date());
  console.log(`[poll-inboxes] enqueued ${enqueued} inbox polls`);
  return { enqueued };
}
