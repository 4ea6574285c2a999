import { failImportJob, runImportJob, type ImportSpec } from "../import/index.ts";
import type { ImportKind } from "../import/import.sql.ts";
import { deliverNotification } from "../notification/deliver.ts";
import type { BlobStore } from "../port/blob-store.ts";
import type { Clock } from "../port/clock.ts";
import { errorReason } from "../errors/describe.ts";
import type { Events } from "../port/events.ts";
import type { Keyring } from "../crypto/secret-box.ts";
import type { Db } from "../port/database.ts";
import type { Mailer } from "../port/mailer.ts";
import type { Mailbox } from "../port/mailbox.ts";
import type { ChannelMailer } from "../port/channel-mailer.ts";
import { deliverMessage, failUndelivered } from "../mail-out/deliver.ts";
import { pollInbox } from "../mail-in/poll.ts";
import type { Push } from "../port/push.ts";
import type { Queue, QueueMessage } from "../port/queue.ts";
import { tagImport } from "../tag/import.ts";
import { agentImport } from "../agent/import.ts";
import type { KnowledgeReader } from "../port/knowledge.ts";
import type { AiClients } from "../port/ai-clients.ts";
import { runSyncJob } from "../rag/job.ts";
import { isTenantHalted } from "../tenant/active.ts";

export const IMPORTS: Record<ImportKind, ImportSpec> = { tags: tagImport, agents: agentImport };

export type JobDeps = {
  db: Db;
  clock: Clock;
  /** System mail (password resets, notifications); inbox mail goes through the inbox's own SMTP servers. */
  mailer: Mailer;
  push: Push;
  /** Unseals channel secrets (IMAP/SMTP passwords). */
  secrets: Keyring;
  /** Media bytes (attachments of imported and outgoing mail). */
  blobs: BlobStore;
  /** Follow-up work (a poll that found more mail, notifications of imported mentions…). */
  queue: Queue;
  /** Domain events of background changes (imported mail, delivery status), published after commit. */
  events: Events;
  /** Reads inbox mail over IMAP (packages/adapters/src/mail/imap-mailbox.ts). */
  mailbox: Mailbox;
  /** Sends inbox mail through the inbox's SMTP servers (packages/adapters/src/mail/inbox-transport.ts). */
  channelMailer: ChannelMailer;
  /** Knowledge-base file text and web crawling (packages/adapters/src/knowledge); without it, file and webpage syncs fail visibly. */
  knowledge?: KnowledgeReader | undefined;
  /** Cloud AI provider clients, for resolveAi (core/ai/resolve.ts) in background work such as knowledge sync. */
  ai: AiClients;
};

/**
 * The work of a workspace's own, dropped while it is suspended or being deleted (its jobs stop; nothing is
 * lost that matters: polls and undelivered mail are picked up again by the schedule after a resume). The
 * operator's workspace jobs (purge, export) are not in it.
 */
const WORKSPACE_WORK: ReadonlySet<QueueMessage["type"]> = new Set([
  "import.run",
  "mail.send",
  "notification.deliver",
  "message.deliver",
  "inbox.poll",
  "rag.sync",
]);

/** Runs one queue message. Throws to ask for redelivery; handlers are idempotent. */
export async function handleQueueMessage(deps: JobDeps, message: QueueMessage): Promise<void> {
  if (WORKSPACE_WORK.has(message.type) && (await isTenantHalted(deps.db, message.tenantId))) return;
  switch (message.type) {
    case "import.run":
      return runImportJob(deps, message.tenantId, message.jobId, IMPORTS);
    case "mail.send":
      return deps.mailer.send(message.mail);
    case "notification.deliver":
      return deliverNotification(deps, message.tenantId, message.notificationId);
    case "message.deliver":
      return deliverMessage(deps, message.tenantId, message.messageId);
    case "inbox.poll":
      // Poll failures (connection, login, poison mail) are recorded by the poll itself; nothing to redeliver.
      return void (await pollInbox(deps, message.tenantId, message.inboxId));
    case "rag.sync":
      // Sync failures are recorded on the source (sync_state/sync_error); redelivery would only repeat them.
      return void (await runSyncJob(deps, message.tenantId, message.sourceId));
    default:
      throw new Error(`unknown queue message type ${(message as { type: unknown }).type}`);
  }
}

/** A message that kept failing: record the failure where the user will see it. */
export async function handleDeadMessage(deps: JobDeps, message: QueueMessage, error: unknown): Promise<void> {
  // Logged and stored where users see it: never a database error's parameters.
  const reason = errorReason(error);
  switch (message.type) {
    case "import.run":
      return failImportJob(deps, message.tenantId, message.jobId, reason);
    case "mail.send":
      console.error(`[queue] gave up mailing "${message.mail.subject}" (tenant ${message.tenantId}): ${reason}`);
      return;
    case "notification.deliver":
      console.error(
        `[queue] gave up delivering notification ${message.notificationId} (tenant ${message.tenantId}): ${reason}`,
      );
      return;
    case "message.deliver":
      return failUndelivered(deps, message.tenantId, message.messageId, reason);
    case "inbox.poll":
      // The next scheduled poll starts over from the ledger; nothing is lost by dropping this one.
      console.error(`[queue] gave up polling inbox ${message.inboxId} (tenant ${message.tenantId}): ${reason}`);
      return;
    case "rag.sync":
      console.error(
        `[queue] gave up syncing knowledge source ${message.sourceId} (tenant ${message.tenantId}): ${reason}`,
      );
      return;
    default:
      console.error(`[queue] dropped a message of unknown type after repeated failures: ${reason}`);
  }
}
