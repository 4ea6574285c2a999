/**
 * Order numbers mentioned in a conversation. Maho/Magento increment ids are nine digits: the store's digit
 * then an eight-digit counter ("100000123", "200004711"). Nine-digit runs are also parts of phone numbers,
 * tracking codes, timestamps and amounts, so the built-in detection takes a nine-digit run only when
 * - it stands alone: no digit, letter, "+" or decimal point right next to it, and no other digit group
 *   joined to it by a single space, dash, dot or slash ("+49 171 123456789", "2026-100000123");
 * - and it looks like an order number: written "#100000123", or preceded within a few words by "order",
 *   "bestellung", "commande", "pedido", "ordine", "bestelling", "no."/"nr."/"number"; or it has the counter's
 *   leading zeros ("[1-9]000#####"), which phone numbers and timestamps practically never do.
 * A workspace may replace all of this with its own regular expression (`order_number_pattern`); its first
 * capture group, or the whole match, is the number, and the "stands alone" rule still applies.
 */

export const MAX_ORDER_NUMBERS = 5;
const NINE_DIGITS = /#?(?<![0-9A-Za-z])[1-9]\d{8}(?![0-9A-Za-z])/g;
const LEADING_ZEROS = /^[1-9]000\d{5}$/;
const KEYWORD_BEFORE =
  /(?:\border|\bbestell\w*|\bcommande|\bpedido|\bordine|\bbestelling|\bauftrag\w*|\bno\.?|\bnr\.?|\bnumber|\bnummer|\bnuméro|\bn[°º])\s*(?:#|:|is|ist)?\s*(?:\S+\s+){0,2}$/i;

/** Digits (or "+") right next to the run, or joined to it by one separator, make it part of a longer number. */
function standsAlone(text: string, start: number, end: number, marked = false): boolean {
  const [b1 = "", b2 = ""] = [text[start - 1], text[start - 2]];
  const [a1 = "", a2 = ""] = [text[end], text[end + 1]];
  if (/[0-9A-Za-z_+]/.test(b1) || /[0-9A-Za-z_]/.test(a1)) return false;
  // "#" starts a token of its own: "#100000001 #100000002" are two numbers, not one long one.
  if (!marked && /[ \-./,]/.test(b1) && /[0-9+]/.test(b2)) return false;
  if (/[ \-./,]/.test(a1) && /[0-9]/.test(a2)) return false;
  return true;
}

function builtIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(NINE_DIGITS)) {
    const hash = m[0].startsWith("#");
    const number = hash ? m[0].slice(1) : m[0];
    const start = m.index + (hash ? 1 : 0);
    if (!standsAlone(text, hash ? m.index : start, start + number.length, hash)) continue;
    const lead = text.slice(Math.max(0, m.index - 40), m.index);
    if (hash || LEADING_ZEROS.test(number) || KEYWORD_BEFORE.test(lead)) found.push(number);
  }
  return found;
}

function custom(text: string, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(pattern)) {
    if (m[0] === "") continue;
    const number = (m[1] ?? m[0]).replace(/^#/, "");
    const start = m.index + m[0].indexOf(number);
    if (/^[A-Za-z0-9_-]{3,32}$/.test(number) && standsAlone(text, start, start + number.length)) found.push(number);
  }
  return found;
}

/** Distinct order numbers in the texts, in the order given (pass the newest message first), at most `max`. */
export function detectOrderNumbers(texts: string[], pattern = "", max = MAX_ORDER_NUMBERS): string[] {
  const regex = pattern ? new RegExp(pattern, "giu") : null;
  const seen = new Set<string>();
  for (const text of texts) {
    for (const number of regex ? custom(text, regex) : builtIn(text)) {
      seen.add(number);
      if (seen.size >= max) return [...seen];
    }
  }
  return [...seen];
}

/**
 * Why a custom pattern is refused, or null. Patterns run over customers' messages, so they must compile,
 * stay short, match something non-empty, and avoid the shapes that backtrack catastrophically (a quantified
 * group holding a quantifier, backreferences).
 */
export function orderNumberPatternProblem(pattern: string): string | null {
  if (pattern.length > 100) return "must be at most 100 characters";
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, "giu");
  } catch {
    return "must be a valid regular expression";
  }
  if (regex.test("")) return "must not match an empty string";
  if (/\\[1-9]|\\k</.test(pattern)) return "must not use backreferences";
  if (repeatsUnboundedGroup(pattern)) return "must not repeat a group that itself repeats (catastrophic backtracking)";
  return null;
}

/**
 * Whether a group holding an unbounded quantifier (`*`, `+`, `{n,}`) is itself repeated (`*`, `+`, `{n,m}`),
 * at any depth: `(\d+)+`, `((a+)b)*`. Escapes and character classes are neutral; `?` after a group is fine.
 */
function repeatsUnboundedGroup(pattern: string): boolean {
  let shape = pattern
    .replace(/\\./g, "x")
    .replace(/\[[^\]]*\]/g, "x")
    .replace(/\(\?(?:[:=!]|<[=!]|<[A-Za-z_]\w*>)/g, "(");
  const innermost = /\(([^()]*)\)/;
  for (let i = 0, m = innermost.exec(shape); m && i < 100; i++, m = innermost.exec(shape)) {
    const unbounded = /[*+]|\{\d+,\}/.test(m[1]!);
    const after = shape.slice(m.index + m[0].length);
    if (unbounded && /^(?:[*+]|\{\d+,\d*\})/.test(after)) return true;
    shape = shape.slice(0, m.index) + (unbounded ? "x+" : "x") + after;
  }
  return false;
}
