import { autoRedactDue } from "@helperiq/core/pci/auto-redact";
import { sharedDatabase } from "../database.ts";

/**
 * Scheduled by infra/cron.ts hourly: the PCI safety net redacts messages still flagged after their
 * workspace's `auto_redact_days`, a bounded batch per run. As in wake-snoozed, events are not pushed from
 * here; clients see the masked message and the activity on their next read. Only counts are logged.
 */
export async function handler(): Promise<{ redacted: number }> {
  const { redacted } = await autoRedactDue(sharedDatabase().db, new Date());
  console.log(`[auto-redact] redacted ${redacted} messages`);
  return { redacted };
}
