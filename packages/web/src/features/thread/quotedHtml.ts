import { ATTRIBUTION, ORIGINAL_MESSAGE, OUTLOOK_HEADER } from "./quotedText.ts";

/**
 * Finding the quoted earlier mail at the end of a message's HTML, so the thread can fold it; the same rule
 * as for plain text (quotedText.ts): only a quote that ends the message folds, with its attribution line.
 * Mail HTML reaches the app without class or id attributes (the API's sanitiser drops them), so Gmail's and
 * Outlook's quotes are recognised by their structure and wording, not by `gmail_quote` / `divRplyFwdMsg`.
 */

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
