/**
 * Header values of outgoing mail, per the shared email contract (/tmp/notes/threading.md, docs: "Email
 * threading"): Message-ID, subject, threading references and the per-conversation reply address.
 */

/** The address inside `Name <addr>` (or the bare address), lower-cased. */
export const addressOf = (from: string) => (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();

/** The display name of `"Name" <addr>` / `Name <addr>`, or "" for a bare address. */
export function displayNameOf(from: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<[^>]+>\s*$/.exec(from);
  return m?.[1]?.trim() ?? "";
}

export const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);

/** `<{message uuid}@{domain of the inbox's from address}>`: stable, so a retried send reuses it. */
export const outgoingMessageId = (messageUuid: string, inboxFrom: string) =>
  `<${messageUuid}@${domainOf(addressOf(inboxFrom)) || "localhost"}>`;

/** `Re: {subject} [#{ref}]`: one `Re:` (an existing `Re:`/`RE:` is kept), the reference tag once. */
export function replySubject(subject: string, referenceNumber: number): string {
  const base = subject.trim() || "(no subject)";
  const withRe = /^re\s*:/i.test(base) ? base : `Re: ${base}`;
  const tag = `[#${referenceNumber}]`;
  return withRe.includes(tag) ? withRe : `${withRe} ${tag}`;
}

/** `Fwd: {subject}`, the prefix once (an existing `Fwd:`/`Fw:` counts). */
export function forwardSubject(subject: string): string {
  const base = subject.trim() || "(no subject)";
  return /^fwd?\s*:/i.test(base) ? base : `Fwd: ${base}`;
}

export const MAX_REFERENCES = 20;

/**
 * In-Reply-To and References from the conversation's earlier Message-IDs (oldest first): the latest is
 * replied to; References keeps the first one and the most recent ones, at most MAX_REFERENCES in all.
 */
export function threadingOf(earlier: readonly string[]): { inReplyTo?: string; references?: string[] } {
  if (earlier.length === 0) return {};
  const references =
    earlier.length <= MAX_REFERENCES ? [...earlier] : [earlier[0]!, ...earlier.slice(-(MAX_REFERENCES - 1))];
  return { inReplyTo: earlier.at(-1)!, references };
}

/** `{local}+{conversation uuid}@{domain}` of `address`: mail to it threads into that conversation. */
export function plusAddress(address: string, conversationUuid: string): string {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at).replace(/\+.*$/, "");
  return `${local}+${conversationUuid}@${address.slice(at + 1)}`;
}
