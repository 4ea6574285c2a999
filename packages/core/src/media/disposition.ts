/**
 * How media is served. Only raster images a browser displays are served inline; everything else,
 * SVG included (it can carry script), is an attachment, so no upload can run in the app's origin.
 */
const INLINE_IMAGES = new Set([
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

export function isInlineImage(contentType: string): boolean {
  return INLINE_IMAGES.has(contentType.split(";")[0]!.trim().toLowerCase());
}

/** RFC 6266: an ASCII `filename` fallback plus the exact name as `filename*` (UTF-8, percent-encoded). */
export function contentDisposition(filename: string, attachment: boolean): string {
  // Accents dropped (é → e), anything else outside printable ASCII (and quotes, backslashes, %) as `_`.
  const ascii = filename
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${attachment ? "attachment" : "inline"}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
