/** Words and sentences as the local provider sees them: lower-cased letters and digits, stop words dropped. */

const STOP_WORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have how i if in into is it its " +
    "me my of on or our so than that the their them then there these they this to too us was we were what when " +
    "where which who why will with would you your yours am any all also just about up out can't cannot im i'm " +
    "hi hello hey please thanks thank dear regards"
  ).split(" "),
);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Every word, lower-cased, in order (stop words kept: the drafter needs them to rebuild text). */
export function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/’/g, "'"));
}

/** The words that carry meaning: stop words and single characters dropped. */
export function contentWords(text: string): string[] {
  return words(text).filter((w) => w.length > 1 && !STOP_WORDS.has(w));
}

/**
 * A light suffix stemmer (plural, past, gerund, adverb), so "refunds", "refunded" and "refunding" share
 * the feature of "refund". Deliberately crude: it only has to be deterministic and consistent.
 */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  for (const [suffix, keep] of [
    ["ies", "y"],
    ["ing", ""],
    ["ed", ""],
    ["ly", ""],
    ["es", ""],
    ["s", ""],
  ] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3 && !(suffix === "s" && word.endsWith("ss"))) {
      return word.slice(0, -suffix.length) + keep;
    }
  }
  return word;
}

/** Sentences of plain text: split after . ! ? (and at line breaks), trimmed, empty ones dropped. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])|\n+/u)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => s.length > 0);
}
