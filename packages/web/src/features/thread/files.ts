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

/** A short type label: the file's extension ("PDF"), else the MIME subtype. */
export function fileKind(file: Attachment): string {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(file.filename)?.[1];
  if (ext) return ext.toUpperCase();
  const sub = file.content_type.split("/")[1]?.split(/[;+]/)[0] ?? "";
  return sub.toUpperCase();
}
