import { isCardNumber, realisticGrouping } from "./card.ts";
import { CARD_WORD_RE, EXPIRY_RE, STRONG_CVV_RE, WEAK_CVV_RE } from "./keywords.ts";

/**
 * The PCI scanner: pure functions over plain text. It answers where card data is (character ranges), never
 * what it is beyond a card's last four digits, which the mask keeps. Callers must not log or store hits'
 * text (ARCHITECTURE: the matched data is stored nowhere but in the message itself, until redacted).
 */

export const PCI_KINDS = ["card_number", "cvv", "expiry"] as const;
export type PciKind = (typeof PCI_KINDS)[number];

/** `[start, end)` in the scanned text; `last4` only for card numbers. */
export type PciHit = { kind: PciKind; start: number; end: number; last4?: string };

/** Which kinds to report (the settings' `detect`). */
export type PciDetect = { card_numbers: boolean; cvv: boolean; expiry: boolean };
export const DETECT_ALL: PciDetect = { card_numbers: true, cvv: true, expiry: true };

const DETECT_KEY: Record<PciKind, keyof PciDetect> = { card_number: "card_numbers", cvv: "cvv", expiry: "expiry" };

/** Characters that may sit between keyword and value ("CVV: 123", "exp. date - 09/27", "cvc is 123"). */
const MAX_KEYWORD_GAP = 30;
/** How far after a card number its expiry date may start ("4111… exp 09/27", "4111…, 09/27"). */
const MAX_CARD_GAP = 25;
/** How far from a keyword-only expiry or weak CVV name a card word must be for the text to be "about a card". */
const CARD_CONTEXT = 200;

// A run of digit groups joined by one kind of separator: "4111 1111 1111 1111", "3782-822463-10005".
const RUN = /\d+(?:(?:[ \u00a0\u2009\u202f]{1,2}|[ ]?[-\u2013][ ]?)\d+)*/gu;
// A run starting right after these belongs to something else: a word or code, a decimal, a phone
// number (+44…), a path or date (/), an amount with thousands separators, an email address.
const RUN_BLOCKED_BEFORE = /[\p{L}\p{N}_.,+\-\u2013/@$€£¥]/u;
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

// MM/YY, MM/YYYY, MM-YY, MM.YY (optionally spaced around the separator), not inside a longer date or number.
const DATE = /(?<![\p{L}\p{N}_/.\-:])(0?[1-9]|1[0-2])[ ]?([/\-.])[ ]?(20\d{2}|\d{2})(?![\p{L}\p{N}_]|[/\-.:]\d)/gu;
// Only directly after an expiry keyword: MMYY ("exp 0927") and year first ("exp 2027-09").
const COMPACT_DATE = /^(?:(?:0[1-9]|1[0-2])\d{2}|20\d{2}[/-](?:0[1-9]|1[0-2]))(?![\p{L}\p{N}_]|[/\-.:]\d)/u;
// A 3–4 digit code standing alone: not a group of a longer grouped number ("7777 8888 …"), date or amount.
const CODE =
  /(?<![\p{L}\p{N}_/.,\-$€£¥#]|(?:^|[^\p{L}\p{N}])\d+[ \u00a0-])\d{3,4}(?![\p{N}_]|[/\-.:,]\d|[ \u00a0-]\d|\p{L})/gu;

type Span = { start: number; end: number };

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

function spansOf(re: RegExp, text: string): Span[] {
  return [...text.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

// Lookups over spans sorted by start and not overlapping (one regex's matches, or a union): a message
// can be half a megabyte of numbers and keywords, so nothing here is quadratic.

/** Index of the first span starting at or after `pos`. */
function firstFrom(spans: readonly Span[], pos: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The nearest span ending at or before `pos`. */
function lastEndingBy<T extends Span>(spans: readonly T[], pos: number): T | undefined {
  for (let i = firstFrom(spans, pos) - 1; i >= 0; i--) if (spans[i]!.end <= pos) return spans[i];
  return undefined;
}

/** Sorted, merged copy of `spans`, for `overlapsAny`. */
function union(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

function overlapsAny(merged: readonly Span[], span: Span): boolean {
  const before = merged[firstFrom(merged, span.end) - 1];
  return before !== undefined && overlaps(before, span);
}

/** Text between a keyword and its value: short, on one line, no digits and no sentence ending. */
function isKeywordGap(gap: string): boolean {
  return gap.length <= MAX_KEYWORD_GAP && !/[\d\n?!]|\.\s/.test(gap);
}

/** Card numbers: Luhn-valid issuer numbers in realistically grouped digit runs. */
function findCards(text: string, excluded: Span[]): PciHit[] {
  const hits: PciHit[] = [];
  for (const run of text.matchAll(RUN)) {
    const start = run.index;
    if (start > 0 && RUN_BLOCKED_BEFORE.test(text[start - 1]!)) continue;
    const runSpan = { start, end: start + run[0].length };
    if (excluded.some((x) => overlaps(x, runSpan))) continue;
    const after = text.slice(runSpan.end, runSpan.end + 2);
    // "…1111abc", "…1111@host" (a Message-ID or address), "…1111.5" or "…1111/27" do not end a card
    // number: the last group belongs to something else.
    const runEndOpen = !/^[\p{L}_@]|^[./:,]\d/u.test(after);
    const groups = [...run[0].matchAll(/\d+/g)].map((g) => ({
      digits: g[0],
      start: start + g.index,
      end: start + g.index + g[0].length,
    }));
    const separators = groups.slice(1).map((g, i) => text.slice(groups[i]!.end, g.start).trim() || " ");
    const found: { from: number; to: number }[] = [];
    for (let i = 0; i < groups.length; ) {
      let best = -1;
      let total = 0;
      for (let j = i; j < groups.length && total < 19; j++) {
        total += groups[j]!.digits.length;
        if (total < 13 || total > 19) continue;
        if (j === groups.length - 1 && !runEndOpen) continue;
        if (new Set(separators.slice(i, j)).size > 1) continue;
        if (!realisticGrouping(groups.slice(i, j + 1).map((g) => g.digits.length))) continue;
        if (
          isCardNumber(
            groups
              .slice(i, j + 1)
              .map((g) => g.digits)
              .join(""),
          )
        )
          best = j;
      }
      if (best < 0) {
        i++;
        continue;
      }
      found.push({ from: i, to: best });
      i = best + 1;
    }
    if (found.length === 0) continue;
    // A card number is the run, give or take a short neighbour (a CVV, a month, a quantity). A valid
    // window inside a long tracking or reference number is a coincidence, not a card.
    const covered = new Set(found.flatMap(({ from, to }) => groups.slice(from, to + 1)));
    const rest = groups.filter((g) => !covered.has(g));
    if (rest.length > 2 || rest.some((g) => g.digits.length > 4)) continue;
    // A fifth group of four after "4-4-4-4" (same separator) makes a 20-digit number, not a card and a code.
    const continues = found.some(({ from, to }) => {
      const next = groups[to + 1];
      const inner = separators.slice(from, to);
      return to > from && next?.digits.length === 4 && separators[to] === inner[0] && groups[to]!.digits.length === 4;
    });
    if (continues) continue;
    for (const { from, to } of found) {
      const digits = groups
        .slice(from, to + 1)
        .map((g) => g.digits)
        .join("");
      hits.push({ kind: "card_number", start: groups[from]!.start, end: groups[to]!.end, last4: digits.slice(-4) });
    }
  }
  return hits;
}

// Compiled once, without the global flag (`test` on a global regex is stateful).
const CARD_WORD = new RegExp(CARD_WORD_RE().source, "iu");
const STRONG_CVV = new RegExp(STRONG_CVV_RE().source, "iu");

function hasCardContext(text: string, at: Span, cards: PciHit[]): boolean {
  if (cards.length > 0) return true;
  const windowStart = Math.max(0, at.start - CARD_CONTEXT);
  const near = text.slice(windowStart, at.end + CARD_CONTEXT);
  return CARD_WORD.test(near) || STRONG_CVV.test(near);
}

/** CVV/CVC codes: 3–4 digits right after (or just before) a security-code name. */
function findCvvs(text: string, taken: Span[], cards: PciHit[]): PciHit[] {
  const blocked = union(taken);
  const codes = spansOf(CODE, text).filter((c) => !overlapsAny(blocked, c));
  const hits: PciHit[] = [];
  const consider = (re: RegExp, needsContext: boolean) => {
    for (const kw of text.matchAll(re)) {
      const kwSpan = { start: kw.index, end: kw.index + kw[0].length };
      if (needsContext && !hasCardContext(text, kwSpan, cards)) continue;
      // Only the nearest code can qualify: a gap reaching past it holds its digits.
      const next = codes[firstFrom(codes, kwSpan.end)];
      if (next && isKeywordGap(text.slice(kwSpan.end, next.start))) {
        hits.push({ kind: "cvv", ...next });
        continue;
      }
      // "123 is the CVV", "123 (cvc)": the code just before the name.
      const before = lastEndingBy(codes, kwSpan.start);
      if (
        !needsContext &&
        before &&
        /^[\s(:\-–]*(?:(?:is|=)\s+(?:the\s+|my\s+)?)?$/i.test(text.slice(before.end, kwSpan.start))
      ) {
        hits.push({ kind: "cvv", ...before });
      }
    }
  };
  consider(STRONG_CVV_RE(), false);
  consider(WEAK_CVV_RE(), true);
  return hits;
}

/** Expiry dates: MM/YY-style dates after an expiry word in a text about a card, or right after a card number. */
function findExpiries(text: string, cards: PciHit[]): PciHit[] {
  const hits: PciHit[] = [];
  const keywords = spansOf(EXPIRY_RE(), text);
  const cardSpans = union(cards);
  // The nearest keyword or card only: a longer gap would hold the nearer one.
  const afterKeyword = (d: Span) => {
    const k = lastEndingBy(keywords, d.start);
    return k !== undefined && isKeywordGap(text.slice(k.end, d.start));
  };
  const afterCard = (d: Span) => {
    const c = lastEndingBy(cards, d.start);
    return c !== undefined && d.start - c.end <= MAX_CARD_GAP && !/[\d\n]/.test(text.slice(c.end, d.start));
  };
  for (const date of spansOf(DATE, text)) {
    if (overlapsAny(cardSpans, date)) continue;
    if (afterCard(date) || (afterKeyword(date) && hasCardContext(text, date, cards)))
      hits.push({ kind: "expiry", ...date });
  }
  const dated = union(hits);
  for (const k of keywords) {
    const gap = /^[^\d\n]{0,20}/.exec(text.slice(k.end, k.end + 21))![0];
    if (!isKeywordGap(gap)) continue;
    const start = k.end + gap.length;
    const compact = COMPACT_DATE.exec(text.slice(start, start + 12));
    if (!compact || (start > 0 && /[\p{N}]/u.test(text[start - 1]!))) continue;
    const span = { start, end: start + compact[0].length };
    if (overlapsAny(dated, span) || overlapsAny(cardSpans, span)) continue;
    if (hasCardContext(text, span, cards)) hits.push({ kind: "expiry", ...span });
  }
  return hits;
}

/** "4111… 09/27 123": a bare code right after the expiry date that follows a card number. */
function findTrailingCodes(text: string, cards: PciHit[], expiries: PciHit[], taken: Span[]): PciHit[] {
  const hits: PciHit[] = [];
  const blocked = union(taken);
  for (const e of expiries) {
    const card = lastEndingBy(cards, e.start);
    if (!card || e.start - card.end > MAX_CARD_GAP) continue;
    const m = /^[\s,;/|]{1,3}(\d{3,4})(?![\p{N}\p{L}_]|[/\-.:]\d)/u.exec(text.slice(e.end, e.end + 10));
    if (!m) continue;
    const start = e.end + m[0].length - m[1]!.length;
    const span = { start, end: start + m[1]!.length };
    if (!overlapsAny(blocked, span)) hits.push({ kind: "cvv", ...span });
  }
  return hits;
}

/** Every hit of the enabled kinds in `text`, ordered by position, never overlapping. */
export function scanText(text: string, detect: PciDetect = DETECT_ALL): PciHit[] {
  if (!/\d\d/.test(text)) return [];
  const excluded = [...spansOf(IBAN, text), ...spansOf(UUID, text)];
  // Every kind is looked for (a card number is context for an expiry date even when cards are not
  // reported); `detect` filters what is returned.
  const cards = findCards(text, excluded);
  const excludedSpans = union(excluded);
  const expiries = findExpiries(text, cards)
    .filter((e) => !overlapsAny(excludedSpans, e))
    .sort((a, b) => a.start - b.start);
  const cvvs = findCvvs(text, [...cards, ...expiries, ...excluded], cards);
  const trailing = findTrailingCodes(text, cards, expiries, [...cards, ...expiries, ...cvvs]);
  const all = [...cards, ...expiries, ...cvvs, ...trailing].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: PciHit[] = [];
  for (const hit of all) {
    // Sorted by start, kept never overlapping: only the last kept one can overlap.
    const last = kept[kept.length - 1];
    if (last && overlaps(last, hit)) continue;
    kept.push(hit);
  }
  return kept.filter((h) => detect[DETECT_KEY[h.kind]]);
}

export type PciSummary = { kinds: PciKind[]; count: number };

/** What a flag records: the kinds found (in PCI_KINDS order) and how many hits, nothing of their text. */
export function summarize(hits: readonly PciHit[]): PciSummary {
  return { kinds: PCI_KINDS.filter((k) => hits.some((h) => h.kind === k)), count: hits.length };
}

/** What a hit becomes: `•••• •••• •••• 4242`, `•••`, `••/••`. */
export function maskOf(hit: PciHit): string {
  if (hit.kind === "card_number") return `•••• •••• •••• ${hit.last4 ?? "••••"}`;
  return hit.kind === "cvv" ? "•••" : "••/••";
}

/** `text` with every hit replaced by its mask. */
export function maskText(text: string, hits: readonly PciHit[]): string {
  let out = "";
  let at = 0;
  for (const hit of [...hits].sort((a, b) => a.start - b.start)) {
    if (hit.start < at) continue;
    out += text.slice(at, hit.start) + maskOf(hit);
    at = hit.end;
  }
  return out + text.slice(at);
}
