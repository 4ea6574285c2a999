import type { OutgoingMail } from "./mailer.ts";

/**
 * Background work. A message names what to do; its handler must be idempotent (a message may be
 * delivered more than once, or after a crash half way). Publish only after the writing transaction commits.
 */
export type QueueMessage =
  | { type: "import.run"; tenantId: number; jobId: number }
  /** System mail leaves through the queue: never inside a request (its timing could tell an account exists). */
  | { type: "mail.send"; tenantId: number; mail: OutgoingMail }
  /** Push to the recipient's devices and, when the workspace mails notifications, an email. */
  | { type: "notification.deliver"; tenantId: number; notificationId: number }
  /** Sends one outgoing message through its inbox's channel (SMTP for email); pending → sending → sent | failed. */
  | { type: "message.deliver"; tenantId: number; messageId: number }
  /** Imports new mail of one email inbox (a bounded batch; the poll re-enqueues itself while more is waiting). */
  | { type: "inbox.poll"; tenantId: number; inboxId: number }
  /** Re-reads one knowledge source and re-embeds what changed (rag/sync.ts); failures are recorded on the source. */
  | { type: "rag.sync"; tenantId: number; sourceId: number };

export interface Queue {
  send(message: QueueMessage): Promise<void>;
}
