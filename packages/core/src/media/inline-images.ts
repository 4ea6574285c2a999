/**
 * Inline images of message HTML that point at our own uploads: `<img src="…/uploads/{uuid}…">`, relative or
 * absolute, signed or not. The delivery embeds them as CID parts (compose.ts); the reply attaches the
 * uploads they name to the message (attach.ts inlineUploadIds), so the stored message keeps its images.
 */
const UPLOAD_IMG =
  /(<img\b[^>]*?\bsrc\s*=\s*)(["'])((?:https?:\/\/[^"'/]+)?\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})[^"']*)\2/gi;

/** The upload uuids the HTML's images name, lower-cased, each once, in order. */
export function uploadImageUuids(html: string): string[] {
  const found = [...html.matchAll(UPLOAD_IMG)].map((m) => m[4]!.toLowerCase());
  return [...new Set(found)];
}

/** The HTML with each image of a uuid in `cids` pointing at `cid:{cid}`; other images are left as they are. */
export function replaceUploadImages(html: string, cids: ReadonlyMap<string, string>): string {
  return html.replace(UPLOAD_IMG, (whole, head: string, quote: string, _src: string, uuid: string) => {
    const cid = cids.get(uuid.toLowerCase());
    return cid ? `${head}${quote}cid:${cid}${quote}` : whole;
  });
}
