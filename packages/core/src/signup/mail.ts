import type { OutgoingMail } from "../port/mailer.ts";
import { escapeHtml } from "../search/query.ts";

/** The sign-up verification page (web app, base domain) with the mailed token. */
export function signupVerifyLink(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, "")}/signup/verify?token=${encodeURIComponent(token)}`;
}

export function signupVerificationMail(input: {
  to: string;
  appName: string;
  workspace: string;
  host: string;
  link: string;
  validHours: number;
}): OutgoingMail {
  const lead = `Someone (we hope you) asked to create the ${input.appName} workspace "${input.workspace}" at ${input.host} with this address.`;
  const action = `Open this link within ${input.validHours} hours to confirm it and choose your password:`;
  const ignore = "If it was not you, ignore this mail: nothing is created without this link.";
  const link = escapeHtml(input.link);
  return {
    to: input.to,
    subject: `Confirm your ${input.appName} workspace ${input.workspace}`,
    text: `Hello,\n\n${lead}\n${action}\n\n${input.link}\n\n${ignore}\n`,
    html: `<p>Hello,</p><p>${escapeHtml(lead)}<br>${escapeHtml(action)}</p><p><a href="${link}">${link}</a></p><p>${escapeHtml(ignore)}</p>`,
  };
}
