import { createHash } from "node:crypto";
import { simpleParser, type AddressObject, type Attachment, type HeaderValue } from "mailparser";

/** One incoming email, reduced to what the import needs. */
export type IncomingMail = {
  /** RFC form `<id@host>`; null when the mail has none. */
  messageId: string | null;
  /** The Message-ID, or `sha256:<hex>` of the raw bytes: the key the ledger dedupes on. */
  dedupeKey: string;
  from: { address: string; name: string } | null;
  to: string[];
  cc: string[];
  /** Delivered-To and X-Original-To: where the mail was really sent (plus addresses survive here). */
  deliveredTo: string[];
  subject: string;
  inReplyTo: string[];
  references: string[];
  html: string | null;
  text: string;
  attachments: Attachment[];
  headers: Map<string, HeaderValue>;
  /** The Message-ID a delivery status notification reports on (multipart/report), if any. */
  bouncedMessageId: string | null;
  /** Diagnostic of a delivery status notification, for the activity record. */
  bounceReason: string | null;
  isDsn: boolean;
};

const MESSAGE_ID = /<[^<>\s]+>/g;

/*
 * Caps on text taken from headers, so that one broken or hostile mail cannot store megabytes in a subject
 * or name, overflow an index entry (and fail its import on every retry), or make threading run thousands of
 * lookups. Text that is an identity (addresses, Message-IDs) is dropped when too long, never cut: a cut
 * address or id would name someone or something else. Free text (subject, names) is cut.
 */
/** The longest subject the API accepts for a conversation an agent starts (messages.ts). */
export const MAX_SUBJECT_LENGTH = 1000;
/** The sender's display name: the contacts API's limit for a first name, so either half of it fits there. */
export const MAX_NAME_LENGTH = 100;
/** RFC 5321's limit on a forward-path, and the contacts API's limit on an email. */
export const MAX_ADDRESS_LENGTH = 254;
/** Addresses kept per header (To, Cc, Delivered-To): RFC 5321 has servers accept 100 recipients per mail. */
export const MAX_ADDRESSES = 100;
/**
 * Message-IDs (and Content-IDs): real ones stay under 250 characters. 500 characters are at most 2000
 * bytes of UTF-8, within PostgreSQL's btree entry limit (about 2700 bytes) on `source_id` and the ledger.
 */
export const MAX_MESSAGE_ID_LENGTH = 500;
/** References kept for threading: the thread's root and the newest ones (RFC 5322's advice for trimming). */
export const MAX_THREAD_REFERENCES = 50;
/** A bounce's diagnostic, quoted in the conversation's activity record. */
export const MAX_BOUNCE_REASON_LENGTH = 500;
// Attachment filenames are cut by storeMedia (media/filename.ts MAX_FILENAME_LENGTH), controls removed there.

// Controls (NUL included) cannot be part of one line of header text.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL can store: NUL removed, lone UTF-16 surrogates replaced by U+FFFD (text and jsonb refuse
 * both). Unlike API input, which is refused with 400 (db/storable.ts), a mail has nobody to answer: it is
 * normalised so that it is imported rather than failed on every poll.
 */
const storableText = (text: string) => text.replace(/\u0000/g, "").replace(LONE_SURROGATE, "\uFFFD");

/** One line of header text: storable, controls as single spaces, trimmed, at most `max` UTF-16 units. */
export function headerLine(value: string, max: number): string {
  const text = storableText(value).replace(CONTROLS, " ").trim();
  if (text.length <= max) return text;
  // Never split a surrogate pair.
  const cut = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, cut).trimEnd();
}

/** An identity taken from a header (address, Message-ID), or null when it is too long or has controls. */
const headerIdentity = (value: string, max: number): string | null => {
  const text = storableText(value).trim();
  return text.length > 0 && text.length <= max && !/[\u0000-\u0020\u007f-\u009f]/.test(text) ? text : null;
};

/** Parses raw RFC 5322 bytes. mailparser is lenient: only bytes it cannot read at all throw. */
export async function parseMail(raw: Uint8Array): Promise<IncomingMail> {
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // keepCidLinks: inline images stay `cid:` references; the import swaps them for media URLs.
  const parsed = await simpleParser(buffer, { keepCidLinks: true, skipImageLinks: true, skipTextToHtml: true });
  const messageId = firstId(parsed.messageId);
  const contentType = parsed.headers.get("content-type") as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  const isDsn =
    contentType?.value?.toLowerCase() === "multipart/report" &&
    (contentType.params?.["report-type"] ?? "").toLowerCase() === "delivery-status";
  const bounce = isDsn ? dsnDetails(parsed.attachments, buffer.toString("latin1")) : { messageId: null, reason: null };
  const references = ids(parsed.references);
  return {
    messageId,
    dedupeKey: messageId ?? `sha256:${createHash("sha256").update(buffer).digest("hex")}`,
    from:
      firstAddress(parsed.from) ??
      firstAddress(headerAddress(parsed.headers.get("sender"))) ??
      firstAddress(parsed.replyTo),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    deliveredTo: [
      ...headerList(parsed.headers.get("delivered-to")),
      ...headerList(parsed.headers.get("x-original-to")),
    ].slice(0, MAX_ADDRESSES),
    subject: headerLine(parsed.subject ?? "", MAX_SUBJECT_LENGTH),
    inReplyTo: ids(parsed.inReplyTo).slice(0, MAX_THREAD_REFERENCES),
    references:
      references.length > MAX_THREAD_REFERENCES
        ? [references[0]!, ...references.slice(1 - MAX_THREAD_REFERENCES)]
        : references,
    html: typeof parsed.html === "string" && parsed.html.trim() ? storableText(parsed.html) : null,
    text: storableText(parsed.text ?? ""),
    attachments: parsed.attachments.filter((a) => !isReportPart(a)).map(boundedPart),
    headers: parsed.headers,
    bouncedMessageId: bounce.messageId,
    bounceReason: bounce.reason,
    isDsn,
  };
}

function ids(value: string | string[] | undefined): string[] {
  const all = (Array.isArray(value) ? value : value ? [value] : []).flatMap((v) => v.match(MESSAGE_ID) ?? []);
  return [...new Set(all.map((id) => headerIdentity(id, MAX_MESSAGE_ID_LENGTH)).filter((id) => id !== null))];
}

const address = (value: string) => headerIdentity(value.toLowerCase(), MAX_ADDRESS_LENGTH);

/** An attachment with its name storable and its Content-ID dropped when it could not be a real one. */
function boundedPart(part: Attachment): Attachment {
  const cid = part.cid === undefined ? undefined : (headerIdentity(part.cid, MAX_MESSAGE_ID_LENGTH) ?? undefined);
  const contentId =
    part.contentId === undefined ? undefined : (headerIdentity(part.contentId, MAX_MESSAGE_ID_LENGTH) ?? undefined);
  const filename = part.filename === undefined ? undefined : storableText(part.filename);
  return { ...part, cid, contentId, filename } as Attachment;
}

function firstId(value: string | undefined): string | null {
  return ids(value)[0] ?? null;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const out: string[] = [];
  const walk = (entries: { address?: string; group?: unknown[] }[]) => {
    for (const e of entries) {
      const kept = e.address ? address(e.address) : null;
      if (kept) out.push(kept);
      if (Array.isArray(e.group)) walk(e.group as { address?: string }[]);
    }
  };
  for (const a of list) walk(a.value);
  return out.slice(0, MAX_ADDRESSES);
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name: string } | null {
  for (const v of (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value)) {
    const kept = v.address?.includes("@") ? address(v.address) : null;
    if (kept) return { address: kept, name: headerLine(v.name ?? "", MAX_NAME_LENGTH) };
  }
  return null;
}

function headerAddress(value: HeaderValue | undefined): AddressObject | undefined {
  return value && typeof value === "object" && "value" in value && Array.isArray((value as AddressObject).value)
    ? (value as AddressObject)
    : undefined;
}

function headerList(value: HeaderValue | undefined): string[] {
  const text =
    typeof value === "string" ? value : Array.isArray(value) ? value.join(",") : (headerAddress(value)?.text ?? "");
  return (text.match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []).map(address).filter((a) => a !== null);
}

const REPORT_TYPES = ["message/delivery-status", "message/rfc822", "text/rfc822-headers", "message/rfc822-headers"];
const isReportPart = (a: Attachment) => REPORT_TYPES.includes(a.contentType.toLowerCase());

/**
 * The original Message-ID (from the returned message or its headers) and the diagnostic of a DSN. mailparser
 * folds the message/delivery-status part into the text, so the diagnostic is read from the raw source.
 */
function dsnDetails(parts: Attachment[], raw: string): { messageId: string | null; reason: string | null } {
  let messageId: string | null = null;
  for (const part of parts) {
    if (messageId || !REPORT_TYPES.includes(part.contentType.toLowerCase())) continue;
    const headers = part.content.toString("utf8").split(/\r?\n\r?\n/)[0] ?? "";
    const found = /^Message-ID:\s*(<[^<>\s]+>)/im.exec(headers)?.[1];
    messageId = found ? headerIdentity(found, MAX_MESSAGE_ID_LENGTH) : null;
  }
  const diag = /^Diagnostic-Code:\s*(?:[^;\r\n]*;\s*)?(.+(?:\r?\n[ \t].+)*)/im.exec(raw)?.[1];
  const status = /^Status:\s*([245]\.[0-9.]+)/im.exec(raw)?.[1];
  const reason =
    headerLine([status, diag?.replace(/\s+/g, " ").trim()].filter(Boolean).join(" "), MAX_BOUNCE_REASON_LENGTH) || null;
  return { messageId, reason };
}
