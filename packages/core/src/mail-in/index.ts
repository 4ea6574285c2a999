// Incoming email: IMAP polling (poll.ts), parsing (parse.ts), loop prevention (classify.ts), threading
// (thread.ts), writing conversations and messages (write.ts, through conversation/incoming.ts) and scheduling.
export {
  pollInbox,
  POLL_BATCH,
  MAX_ATTEMPTS,
  LEASE_MS,
  type PollDeps,
  type PollOptions,
  type PollResult,
} from "./poll.ts";
export { dueInboxes, enqueueDuePolls } from "./schedule.ts";
export { parseMail, type IncomingMail } from "./parse.ts";
export { classifyMail, type MailKind } from "./classify.ts";
export { inboxMailStatus, type InboxMailStatus } from "./status.ts";
