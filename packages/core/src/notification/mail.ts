import type { OutgoingMail } from "../port/mailer.ts";
import type { NotificationType } from "./create.ts";

/**
 * The types mailed when the workspace's email notifications are on: all the spec defines ("email if
 * enabled"). There is no per-agent opt-out yet; a type added later is push-only until listed here.
 */
export const EMAILED_TYPES: ReadonlySet<string> = new Set<NotificationType>(["mention", "assigned", "follower_added"]);

/** Plain text, from the system sender: the title says what happened, the description gives the context. */
export function notificationMail(input: { to: string; firstName: string; title: string; description: string }): OutgoingMail {
  const greeting = input.firstName ? `Hello ${input.firstName},` : "Hello,";
  const context = input.description ? `\n\n${input.description}` : "";
  return { to: input.to, subject: input.title, text: `${greeting}\n\n${input.title}${context}\n` };
}
