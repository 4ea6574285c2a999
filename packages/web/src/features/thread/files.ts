import type { Attachment } from "../../api/index.ts";

/**
 * Image types the server serves inline (core/media/disposition.ts): these get a thumbnail and the
 * lightbox; anything else (SVG included, which the server only ever sends as a download) is a file chip.
 */
const PREVIEWABLE = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/apng",
  "image/x-icon",
  "image/vnd.microsoft.icon",
]);

export const isPreviewable = (file: Attachment) =>
  PREVIEWABLE.has(file.content_type.split(";")[0]!.trim().toLowerCase());

const UNITS = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;

/** "12 kB", "3.4 MB" in the reader's language (decimal units, as file managers show them). */
export function fileSize(bytes: number, locale: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: UNITS[unit],
    unitDisplay: "short",
    maximumFractionDigits: unit === 0 || value >= 10 ? 0 : 1,
  }).format(value);
}

/** A short type label: the file's extension ("PDF"), else the MIME subtype. */
export function fileKind(file: Attachment): string {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(file.filename)?.[1];
  if (ext) return ext.toUpperCase();
  const sub = file.content_type.split("/")[1]?.split(/[;+]/)[0] ?? "";
  return sub.toUpperCase();
}
