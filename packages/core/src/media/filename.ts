/**
 * Filenames as they are stored and offered for download: the last path segment only, without control or
 * bidirectional-format characters (which can disguise `exe` as `gpj`), Windows-reserved characters and
 * device names, leading dots or trailing dots and spaces, at most MAX_FILENAME_LENGTH characters with
 * the extension kept. Idempotent: sanitising a sanitised name changes nothing.
 */
export const MAX_FILENAME_LENGTH = 200;
const MAX_EXTENSION_LENGTH = 16;

// C0 and C1 controls, DEL, zero-width and bidirectional formatting characters, BOM.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
const WINDOWS_RESERVED_CHARS = /[<>:"|?*]/g;
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const EXTENSION = new RegExp(`^[\\p{L}\\p{N}]{1,${MAX_EXTENSION_LENGTH}}$`, "u");

/** `fallbackExtension` (without the dot) is added when the name has none, e.g. one sniffed from the bytes. */
export function sanitizeFilename(raw: string, fallbackExtension?: string): string {
  let name = raw.normalize("NFC").replace(INVISIBLE, "");
  name = name.split(/[\\/]/).pop() ?? "";
  name = name.replace(WINDOWS_RESERVED_CHARS, "_").replace(/\s+/g, " ");
  name = name.replace(/^[.\s]+/, "").replace(/[.\s]+$/, "");

  const dot = name.lastIndexOf(".");
  let base = dot > 0 ? name.slice(0, dot) : name;
  let extension = dot > 0 ? name.slice(dot + 1) : "";
  if (extension && !EXTENSION.test(extension)) {
    base = name;
    extension = "";
  }
  base = base.replace(/[.\s]+$/, "");
  if (!extension && fallbackExtension && EXTENSION.test(fallbackExtension)) extension = fallbackExtension.toLowerCase();
  if (!base) base = "file";
  // `CON.txt` and `nul.tar.gz` name devices on Windows, whatever follows the first dot.
  if (DEVICE_NAME.test(base.split(".")[0]!.trim())) base = `_${base}`;

  const suffix = extension ? `.${extension}` : "";
  // By code point, so a cut never splits a surrogate pair; trailing dots/spaces a cut exposes go too.
  const room = MAX_FILENAME_LENGTH - [...suffix].length;
  const chars = [...base];
  if (chars.length > room)
    base =
      chars
        .slice(0, room)
        .join("")
        .replace(/[.\s]+$/, "") || "file";
  return base + suffix;
}
