import { fileTypeFromBuffer } from "file-type/core";

/**
 * The content type media is stored and served with, decided from the bytes (file-type's magic numbers).
 * The sender's declared type is believed only for text formats, which have no magic number, and only
 * when the bytes look like text; other bytes that look like text are `text/plain`, the rest
 * `application/octet-stream`. So a file declared `image/png` that holds HTML is stored as text/plain.
 */
export type Sniffed = {
  contentType: string;
  /** An extension for the type, for names that have none. */
  extension?: string | undefined;
};

export const OCTET_STREAM = "application/octet-stream";

const TEXT_APPLICATION_TYPES = new Set([
  "application/json",
  "application/ld+json",
  "application/xml",
  "application/x-ndjson",
  "application/javascript",
  "application/x-yaml",
  "application/yaml",
  "image/svg+xml",
  "message/rfc822",
]);

const TEXT_EXTENSIONS: Record<string, string> = {
  "text/plain": "txt",
  "text/csv": "csv",
  "text/html": "html",
  "text/markdown": "md",
  "text/calendar": "ics",
  "text/vcard": "vcf",
  "application/json": "json",
  "application/xml": "xml",
  "image/svg+xml": "svg",
  "message/rfc822": "eml",
};

const MEDIA_TYPE = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126})\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/;
const TEXT_SAMPLE_BYTES = 8192;

export async function sniffContentType(bytes: Uint8Array, declared: string | undefined): Promise<Sniffed> {
  const claimed = parseDeclared(declared);
  const detected = await fileTypeFromBuffer(bytes).catch(() => undefined);
  if (detected) {
    // XML is file-type's answer for SVG that starts with `<?xml`; SVG is still served as an attachment.
    if (detected.mime === "application/xml" && (claimed?.essence === "image/svg+xml" || mentionsSvg(bytes))) {
      return { contentType: "image/svg+xml", extension: "svg" };
    }
    return { contentType: detected.mime, extension: detected.ext };
  }
  if (!looksLikeText(bytes)) return { contentType: OCTET_STREAM };
  if (claimed && isTextLike(claimed.essence)) {
    return { contentType: claimed.full, extension: TEXT_EXTENSIONS[claimed.essence] };
  }
  return { contentType: "text/plain", extension: "txt" };
}

function parseDeclared(declared: string | undefined): { essence: string; full: string } | undefined {
  if (!declared) return undefined;
  const [type, ...params] = declared.split(";");
  const essence = type!.trim().toLowerCase();
  if (!MEDIA_TYPE.test(essence)) return undefined;
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([A-Za-z0-9._:-]{1,40})"?\s*$/i.exec(p)?.[1]).find(Boolean);
  return { essence, full: charset ? `${essence}; charset=${charset.toLowerCase()}` : essence };
}

const isTextLike = (essence: string) => essence.startsWith("text/") || TEXT_APPLICATION_TYPES.has(essence);

/** No NUL and no control characters but tab, line breaks, form feed and escape in the first 8 KB (or a BOM). */
export function looksLikeText(bytes: Uint8Array): boolean {
  const [a, b, c] = bytes;
  if ((a === 0xef && b === 0xbb && c === 0xbf) || (a === 0xfe && b === 0xff) || (a === 0xff && b === 0xfe)) return true;
  const end = Math.min(bytes.length, TEXT_SAMPLE_BYTES);
  for (let i = 0; i < end; i++) {
    const byte = bytes[i]!;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) return false;
    if (byte === 0x7f) return false;
  }
  return true;
}

function mentionsSvg(bytes: Uint8Array): boolean {
  return /<svg[\s>]/i.test(new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, TEXT_SAMPLE_BYTES)));
}
