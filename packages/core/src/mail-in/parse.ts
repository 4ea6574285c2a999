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

/** Parses raw RFC 5322 bytes. mailparser is lenient: only bytes it cannot read at all throw. */
export async function parseMail(raw: Uint8Array): Promise<IncomingMail> {
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // keepCidLinks: inline images stay `cid:` references; the import swaps them for media URLs.
  const parsed = await simpleParser(buffer, { keepCidLinks: true, skipImageLinks: true, skipTextToHtml: true });
  const messageId = firstId(parsed.messageId);
  const contentType = parsed.headers.get("content-type") as { value?: string; params?: Record<string, string> } | undefined;
  const isDsn =
    contentType?.value?.toLowerCase() === "multipart/report" && (contentType.params?.["report-type"] ?? "").toLowerCase() === "delivery-status";
  const bounce = isDsn ? dsnDetails(parsed.attachments, buffer.toString("latin1")) : { messageId: null, reason: null };
  return {
    messageId,
    dedupeKey: messageId ?? `sha256:${createHash("sha256").update(buffer).digest("hex")}`,
    from: firstAddress(parsed.from) ?? firstAddress(headerAddress(parsed.headers.get("sender"))) ?? firstAddress(parsed.replyTo),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    deliveredTo: [...headerList(parsed.headers.get("delivered-to")), ...headerList(parsed.headers.get("x-original-to"))],
    subject: (parsed.subject ?? "").trim(),
    inReplyTo: ids(parsed.inReplyTo),
    references: ids(parsed.references),
    html: typeof parsed.html === "string" && parsed.html.trim() ? parsed.html : null,
    text: parsed.text ?? "",
    attachments: parsed.attachments.filter((a) => !isReportPart(a)),
    headers: parsed.headers,
    bouncedMessageId: bounce.messageId,
    bounceReason: bounce.reason,
    isDsn,
  };
}

function ids(value: string | string[] | undefined): string[] {
  const all = (Array.isArray(value) ? value : value ? [value] : []).flatMap((v) => v.match(MESSAGE_ID) ?? []);
  return [...new Set(all)];
}

function firstId(value: string | undefined): string | null {
  return ids(value)[0] ?? null;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const out: string[] = [];
  const walk = (entries: { address?: string; group?: unknown[] }[]) => {
    for (const e of entries) {
      if (e.address) out.push(e.address.trim().toLowerCase());
      if (Array.isArray(e.group)) walk(e.group as { address?: string }[]);
    }
  };
  for (const a of list) walk(a.value);
  return out;
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name: string } | null {
  const first = (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value).find((v) => v.address?.includes("@"));
  return first ? { address: first.address!.trim().toLowerCase(), name: (first.name ?? "").trim() } : null;
}

function headerAddress(value: HeaderValue | undefined): AddressObject | undefined {
  return value && typeof value === "object" && "value" in value && Array.isArray((value as AddressObject).value) ? (value as AddressObject) : undefined;
}

function headerList(value: HeaderValue | undefined): string[] {
  const text = typeof value === "string" ? value : Array.isArray(value) ? value.join(",") : headerAddress(value)?.text ?? "";
  return (text.match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []).map((a) => a.toLowerCase());
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
    messageId = /^Message-ID:\s*(<[^<>\s]+>)/im.exec(headers)?.[1] ?? null;
  }
  const diag = /^Diagnostic-Code:\s*(?:[^;\r\n]*;\s*)?(.+(?:\r?\n[ \t].+)*)/im.exec(raw)?.[1];
  const status = /^Status:\s*([245]\.[0-9.]+)/im.exec(raw)?.[1];
  const reason = [status, diag?.replace(/\s+/g, " ").trim()].filter(Boolean).join(" ").slice(0, 500) || null;
  return { messageId, reason };
}
