import { maskOf, scanText, type PciDetect, type PciHit } from "./scan.ts";

/**
 * Scanning HTML: the scanner reads the text a person sees (tags skipped, entities decoded, a space where a
 * block ends), and every character of that text remembers where it came from, so a hit maps back onto the
 * markup and is masked there without touching a tag.
 */

const BLOCK =
  /^<\/?(?:p|div|br|hr|h[1-6]|li|ul|ol|tr|td|th|table|thead|tbody|tfoot|blockquote|pre|caption|section|article|header|footer)\b/i;
const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  ndash: "\u2013",
  mdash: "\u2014",
};

/** Visible text of `html`; `from[i]`/`to[i]` is the source range of text character i (empty for inserted spaces). */
export type Projection = { text: string; from: number[]; to: number[] };

export function projectHtml(html: string): Projection {
  let text = "";
  const from: number[] = [];
  const to: number[] = [];
  const push = (ch: string, start: number, end: number) => {
    text += ch;
    from.push(start);
    to.push(end);
  };
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === "<" && /^<(?:[A-Za-z/!?])/.test(html.slice(i, i + 2))) {
      const end = tagEnd(html, i);
      if (BLOCK.test(html.slice(i, Math.min(end, i + 20)))) push(" ", end, end);
      i = end;
      continue;
    }
    if (ch === "&") {
      const m = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]{2,8}));/.exec(html.slice(i, i + 12));
      if (m) {
        const code = m[1] ? Number(m[1]) : m[2] ? parseInt(m[2], 16) : undefined;
        const decoded =
          code !== undefined
            ? code <= 0x10ffff
              ? String.fromCodePoint(code)
              : "\ufffd"
            : (NAMED[m[3]!.toLowerCase()] ?? "\ufffd");
        // One text character per entity keeps indexes aligned (astral characters never matter here).
        push(decoded.length === 1 ? decoded : "\ufffd", i, i + m[0].length);
        i += m[0].length;
        continue;
      }
    }
    push(ch, i, i + 1);
    i++;
  }
  return { text, from, to };
}

/** Index just past the tag, comment or declaration starting at `i` (quoted attribute values may hold `>`). */
function tagEnd(html: string, i: number): number {
  if (html.startsWith("<!--", i)) {
    const close = html.indexOf("-->", i + 4);
    return close < 0 ? html.length : close + 3;
  }
  let quote: string | null = null;
  for (let j = i + 1; j < html.length; j++) {
    const c = html[j]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ">") return j + 1;
  }
  return html.length;
}

/** Hits in the visible text of `html`, as text positions of `projectHtml(html).text`. */
export function scanHtml(html: string, detect?: PciDetect): { projection: Projection; hits: PciHit[] } {
  const projection = projectHtml(html);
  return { projection, hits: scanText(projection.text, detect) };
}

/**
 * `html` with each hit masked in place. A hit split by inline markup (`<b>4111</b> 1111…`) puts its mask in
 * its first stretch of text and empties the others, leaving every tag where it was.
 */
export function maskHtml(html: string, projection: Projection, hits: readonly PciHit[]): string {
  const edits: { start: number; end: number; replacement: string }[] = [];
  for (const hit of hits) {
    let first = true;
    let k = hit.start;
    while (k < hit.end) {
      // A stretch: consecutive text characters whose sources touch (no tag between them).
      let s = k;
      while (s < hit.end && projection.from[s] === projection.to[s]) s++; // inserted block spaces own no source
      if (s >= hit.end) break;
      let e = s + 1;
      while (e < hit.end && projection.from[e] === projection.to[e - 1]) e++;
      edits.push({ start: projection.from[s]!, end: projection.to[e - 1]!, replacement: first ? maskOf(hit) : "" });
      first = false;
      k = e;
    }
  }
  let out = html;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.replacement + out.slice(edit.end);
  return out;
}
