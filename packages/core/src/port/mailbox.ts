import type { ImapServer } from "../inbox/email-config.ts";

/** One message's raw RFC 5322 source, as stored on the server. */
export type RawMail = { uid: number; source: Uint8Array };

/**
 * An opened mailbox folder, read-only (the poller never changes flags or moves mail; what was imported is
 * recorded in the database instead). Close it when done; a session is not shared between runs.
 */
export interface MailboxSession {
  /** UIDVALIDITY of the folder: when it changes, every UID means something else. */
  readonly uidValidity: number;
  /** UIDs greater than `after`, ascending, at most `limit`. */
  uidsAfter(after: number, limit: number): Promise<number[]>;
  /** Raw sources of `uids`, in ascending UID order, fetched from the server in bounded batches. */
  fetchRaw(uids: readonly number[]): AsyncIterable<RawMail>;
  close(): Promise<void>;
}

/** Reads mail from an inbox's IMAP server (imapflow in packages/adapters/src/mail/imap-mailbox.ts). */
export interface Mailbox {
  /** Connects, logs in and opens `server.mailbox`; throws a readable error when any step fails. */
  open(server: ImapServer): Promise<MailboxSession>;
}
