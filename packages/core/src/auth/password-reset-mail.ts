import type { OutgoingMail } from "../port/mailer.ts";

export const PASSWORD_RESET_SUBJECT = "Reset your HelperIQ password";

/** The agent UI page that asks for the new password and posts it, with the token, to set-password. */
export function passwordResetLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/reset-password?token=${encodeURIComponent(token)}`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

export function passwordResetMail(input: {
  to: string;
  firstName: string;
  workspace: string;
  link: string;
}): OutgoingMail {
  const greeting = input.firstName ? `Hello ${input.firstName},` : "Hello,";
  const request = `Someone (hopefully you) asked to reset the password of your ${input.workspace} account.`;
  const action = "Open this link within an hour to choose a new one:";
  const ignore = "If you did not ask for this, ignore this email: your password stays as it is.";
  const link = escapeHtml(input.link);
  return {
    to: input.to,
    subject: PASSWORD_RESET_SUBJECT,
    text: `${greeting}\n\n${request} ${action}\n\n${input.link}\n\n${ignore}\n`,
    html:
      `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(request)} ${action}</p>` +
      `<p><a href="${link}">${link}</a></p><p>${escapeHtml(ignore)}</p>`,
  };
}

export const WELCOME_TTL_MS = 7 * 24 * 60 * 60_000;

/** Sent when an admin creates an agent with send_welcome_email: the same set-password link, valid a week. */
export function welcomeMail(input: { to: string; firstName: string; workspace: string; link: string }): OutgoingMail {
  const greeting = input.firstName ? `Hello ${input.firstName},` : "Hello,";
  const invite = `You have been added as an agent of ${input.workspace}.`;
  const action = "Open this link within a week to choose your password and sign in:";
  const link = escapeHtml(input.link);
  return {
    to: input.to,
    subject: `Welcome to ${input.workspace}`,
    text: `${greeting}\n\n${invite} ${action}\n\n${input.link}\n`,
    html: `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(invite)} ${action}</p><p><a href="${link}">${link}</a></p>`,
  };
}

/** Sent to the admin of a workspace the operator (or a sign-up) just created: the set-password link, valid a week. */
export function workspaceReadyMail(input: {
  to: string;
  firstName: string;
  workspace: string;
  link: string;
}): OutgoingMail {
  const greeting = input.firstName ? `Hello ${input.firstName},` : "Hello,";
  const ready = `Your HelperIQ workspace ${input.workspace} is ready, with you as its administrator.`;
  const action = "Open this link within a week to choose your password and sign in:";
  const link = escapeHtml(input.link);
  return {
    to: input.to,
    subject: `Your workspace ${input.workspace} is ready`,
    text: `${greeting}\n\n${ready} ${action}\n\n${input.link}\n`,
    html: `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(ready)} ${action}</p><p><a href="${link}">${link}</a></p>`,
  };
}
