import type { OutgoingMail } from "../port/mailer.ts";
import type { NotificationType } from "./create.ts";

/**
 * The types that may be mailed: when the workspace's email notifications are on and the agent has not
 * turned that type off (`email_notifications` on /agents/me). A type added later is push-only until listed here.
 */
export const EMAILED_TYPES = ["mention", "assigned", "follower_added"] as const satisfies readonly NotificationType[];
export type EmailedType = (typeof EMAILED_TYPES)[number];
export type EmailNotificationPrefs = Record<EmailedType, boolean>;

/** An agent's effective choices: every type on unless the agent turned it off. */
export function emailNotificationPrefs(preferences: Record<string, unknown>): EmailNotificationPrefs {
  const chosen = (preferences.email_notifications ?? {}) as Partial<Record<string, unknown>>;
  return Object.fromEntries(EMAILED_TYPES.map((type) => [type, chosen[type] !== false])) as EmailNotificationPrefs;
}

export function isEmailedType(type: string): type is EmailedType {
  return (EMAILED_TYPES as readonly string[]).includes(type);
}

/** Plain text, from the system sender: the title says what happened, the description gives the context. */
export function notificationMail(input: {
  to: string;
  firstName: string;
  title: string;
  description: string;
}): OutgoingMail {
  const greeting = input.firstName ? `Hello ${input.firstName},` : "Hello,";
  const context = input.description ? `\n\n${input.description}` : "";
  return { to: input.to, subject: input.title, text: `${greeting}\n\n${input.title}${context}\n` };
}
