/**
 * Finding the quoted earlier mail at the end of a message, so the thread can fold it. Only a quote that
 * ends the message is folded: an answer written between quoted lines (inline replies) stays whole, and a
 * message that is nothing but a quote is shown as it is. Mail HTML reaches the app without class or id
 * attributes (the API's sanitiser drops them), so Gmail's and Outlook's quotes are recognised by their
 * structure and wording, not by `gmail_quote` / `divRplyFwdMsg` markers.
 */

/** The line a mail client writes above the quote: "On Mon, 1 Jan 2026, Ann <ann@x> wrote:" and its kin. */
const ATTRIBUTION =
  /^\s*(?:On\s[\s\S]{4,300}\swrote\s?:|Le\s[\s\S]{4,300}\sa\sécrit\s?:|Am\s[\s\S]{4,300}\sschrieb\s[\s\S]{0,120}:|El\s[\s\S]{4,300}\sescribió\s?:)\s*$/i;
/** Outlook's separator, and its header block (From … Sent/Date … Subject) above the earlier mail. */
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*Original Message\s*-{2,}/i;
const OUTLOOK_HEADER = /^\s*From:\s[\s\S]{1,400}?\b(?:Sent|Date):\s[\s\S]{1,400}?\bSubject:/i;

/** Text, or an image: what makes a part of a message worth showing. */
const meaningful = (node: Node): boolean =>
  (node.textContent ?? "").trim() !== "" ||
  node.nodeName === "IMG" ||
  ((node instanceof Element || node instanceof DocumentFragment) && node.querySelector("img") !== null);

/** The earliest element that starts a quote: a blockquote, or a block with Outlook's separator or header. */
function quoteStart(root: DocumentFragment): Element | null {
  const candidates: Element[] = [];
  const blockquote = root.querySelector("blockquote");
  if (blockquote) candidates.push(blockquote);
  const marker = [...root.querySelectorAll("p, div")].find((el) => {
    const text = el.textContent ?? "";
    return ORIGINAL_MESSAGE.test(text) || OUTLOOK_HEADER.test(text);
  });
  if (marker) candidates.push(marker);
  candidates.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  return candidates[0] ?? null;
}

/** The attribution line right above `start` (skipping blank text and <br>), which belongs to the quote. */
function withAttribution(start: Node): Node {
  let node = start.previousSibling;
  while (node && ((node.nodeType === Node.TEXT_NODE && !node.textContent?.trim()) || node.nodeName === "BR"))
    node = node.previousSibling;
  return node && ATTRIBUTION.test(node.textContent ?? "") ? node : start;
}

/** Whether anything meaningful follows `node` up to the end of `root`. */
function followedByContent(node: Node, root: DocumentFragment): boolean {
  for (let at: Node | null = node; at && at !== root; at = at.parentNode) {
    for (let next = at.nextSibling; next; next = next.nextSibling) if (meaningful(next)) return true;
  }
  return false;
}

/**
 * Moves the trailing quote of `root` (sanitised message HTML) out into the fragment it returns; null (and
 * `root` untouched) when there is none to fold.
 */
export function extractQuotedHtml(root: DocumentFragment): DocumentFragment | null {
  const quote = quoteStart(root);
  if (!quote || followedByContent(quote, root)) return null;
  const start = withAttribution(quote);
  const before = document.createRange();
  before.setStart(root, 0);
  before.setEndBefore(start);
  if (!meaningful(before.cloneContents())) return null;
  const rest = document.createRange();
  rest.setStartBefore(start);
  rest.setEnd(root, root.childNodes.length);
  return rest.extractContents();
}

const QUOTED_LINE = /^\s*>/;

/**
 * A plain-text message split before its trailing quote: the run of `>` lines (blank lines between them
 * included) that ends the message with the attribution line above it, or everything from Outlook's
 * "-----Original Message-----". `quoted` is "" when there is nothing to fold.
 */
export function splitQuotedText(text: string): { main: string; quoted: string } {
  const lines = text.split(/\r?\n/);
  let start = lines.length;
  // The trailing run of quoted and blank lines, if it holds a quoted line.
  let i = lines.length - 1;
  while (i >= 0 && (QUOTED_LINE.test(lines[i]!) || !lines[i]!.trim())) i--;
  if (lines.slice(i + 1).some((l) => QUOTED_LINE.test(l))) {
    start = i + 1;
    while (start < lines.length && !lines[start]!.trim()) start++;
    // "On … wrote:" on one line, or wrapped over two or three.
    for (let n = 1; n <= 3 && start - n >= 0; n++) {
      if (ATTRIBUTION.test(lines.slice(start - n, start).join(" "))) {
        start -= n;
        break;
      }
    }
  }
  const original = lines.findIndex((l) => ORIGINAL_MESSAGE.test(l));
  if (original >= 0 && original < start) start = original;
  const main = lines.slice(0, start).join("\n").trimEnd();
  if (start >= lines.length || !main.trim()) return { main: text, quoted: "" };
  return {
    main,
    quoted: lines
      .slice(start)
      .join("\n")
      .replace(/^\s*\n/, ""),
  };
}
