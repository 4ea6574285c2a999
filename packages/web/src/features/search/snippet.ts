/**
 * A search snippet as text pieces, each marked or not. The API's snippets are HTML in which only `<mark>`
 * and `</mark>` are markup and everything else is escaped; they are never given to the DOM as HTML: the
 * pieces are rendered as text, the marked ones inside a <mark> element. Any other tag-like text stays text.
 */
export type Piece = { text: string; marked: boolean };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function snippetPieces(html: string): Piece[] {
  const pieces: Piece[] = [];
  let marked = false;
  for (const part of html.split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) pieces.push({ text: decodeEntities(part), marked });
  }
  return pieces;
}

/** Plain text with each case-insensitive occurrence of `needle` marked (for hits the API sends no snippet for). */
export function highlightPieces(text: string, needle: string): Piece[] {
  const n = needle.trim().toLowerCase();
  if (!n) return [{ text, marked: false }];
  const pieces: Piece[] = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(n); at >= 0; at = lower.indexOf(n, at + n.length)) {
    if (at > from) pieces.push({ text: text.slice(from, at), marked: false });
    pieces.push({ text: text.slice(at, at + n.length), marked: true });
    from = at + n.length;
  }
  if (from < text.length) pieces.push({ text: text.slice(from), marked: false });
  return pieces;
}
