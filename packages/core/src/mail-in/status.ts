import { and, desc, eq } from "drizzle-orm";
import { iso } from "../db/iso.ts";
import type { Db } from "../port/database.ts";
import { inboxMailState, mailImports } from "./mail-in.sql.ts";

/** What an email inbox's poller has done, wire-shaped, for the inbox API (status / test-imap) to show. */
export type InboxMailStatus = {
  last_polled_at: string | null;
  /** Why the last run could not read the mailbox (connection, login, folder); null once a run succeeds. */
  last_error: string | null;
  imported: number;
  skipped: number;
  /** Poison messages given up on, newest first (at most 20): UID, Message-ID, attempts and last error. */
  failed: number;
  failed_messages: { uid: number; message_id: string | null; attempts: number; error: string | null; at: string }[];
};

export async function inboxMailStatus(db: Db, tenantId: number, inboxId: number): Promise<InboxMailStatus> {
  const [state] = await db
    .select()
    .from(inboxMailState)
    .where(and(eq(inboxMailState.tenantId, tenantId), eq(inboxMailState.inboxId, inboxId)));
  const failed = await db
    .select()
    .from(mailImports)
    .where(and(eq(mailImports.tenantId, tenantId), eq(mailImports.inboxId, inboxId), eq(mailImports.status, "failed")))
    .orderBy(desc(mailImports.updatedAt))
    .limit(20);
  return {
    last_polled_at: iso(state?.lastPolledAt),
    last_error: state?.lastError ?? null,
    imported: state?.importedCount ?? 0,
    skipped: state?.skippedCount ?? 0,
    failed: state?.failedCount ?? 0,
    failed_messages: failed.map((r) => ({
      uid: r.uid,
      message_id: r.messageId,
      attempts: r.attempts,
      error: r.lastError,
      at: iso(r.updatedAt)!,
    })),
  };
}
