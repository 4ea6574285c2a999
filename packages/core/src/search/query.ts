import { sql, type SQL } from "drizzle-orm";
import { InputError } from "../errors/index.ts";

export const MIN_QUERY_LENGTH = 2;
export const MAX_QUERY_LENGTH = 200;
/** Words of the prefix query beyond this many are ignored (each one is an AND term). */
const MAX_PREFIX_WORDS = 16;

/**
 * A parsed search query. `text` goes to websearch_to_tsquery as a bound parameter; `prefix` is a tsquery
 * text made only of letter/digit words each followed by `:*`, so it cannot carry tsquery operators.
 */
export type SearchQuery = {
  /** The trimmed query as typed. */
  text: string;
  /** Lower-cased, for LIKE and highlighting. */
  needle: string;
  /** `word:* & word:*`, or null when the query has no words (then only websearch semantics apply). */
  prefix: string | null;
  /** `#123` or `123`: a conversation reference number. */
  referenceNumber: number | null;
};

/** Validates `q` (2..200 characters after trimming) and derives the query forms. */
export function parseQuery(raw: string | undefined): SearchQuery {
  const text = (raw ?? "").trim();
  if (text.length < MIN_QUERY_LENGTH) throw new InputError(`q: at least ${MIN_QUERY_LENGTH} characters`);
  if (text.length > MAX_QUERY_LENGTH) throw new InputError(`q: at most ${MAX_QUERY_LENGTH} characters`);
  const words = text
    .split(/\s+/u)
    // websearch syntax: `-word` excludes and `or` alternates; neither belongs in the AND-ed prefix query.
    .filter((token) => !token.startsWith("-") && token.toLowerCase() !== "or")
    .flatMap((token) => token.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .slice(0, MAX_PREFIX_WORDS);
  const ref = /^#?(\d{1,9})$/.exec(text);
  return {
    text,
    needle: text.toLowerCase(),
    prefix: words.length ? words.map((w) => `${w}:*`).join(" & ") : null,
    referenceNumber: ref ? Number(ref[1]) : null,
  };
}

/** The tsquery of a search: websearch syntax OR every word as a prefix. Both texts are bound parameters. */
export function tsQuery(q: SearchQuery): SQL {
  const web = sql`websearch_to_tsquery('simple', ${q.text})`;
  return q.prefix === null ? web : sql`(${web} || to_tsquery('simple', ${q.prefix}))`;
}

/** `%needle%` for LIKE, with LIKE's wildcards and escape character escaped. */
export const containsPattern = (needle: string) => `%${needle.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

// ts_headline works on raw text: it marks matches with sentinels, and the result is HTML-escaped before they
// become <mark> tags. Its parser also drops anything that looks like an HTML tag, so `<` and `>` go in as two
// more sentinels and come back as &lt; &gt;. All four sentinels are deleted from the text beforehand.
const START = "\u0001";
const STOP = "\u0002";
const LT = "\u0003";
const GT = "\u0004";
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxFragments=1, MaxWords=20, MinWords=5`;

/** ts_headline of a text column for the query, with sentinel delimiters; pass the result to `markSnippet`. */
export function headline(textColumn: SQL | import("drizzle-orm").AnyColumn, q: SearchQuery): SQL<string> {
  const guarded = sql`translate(${textColumn}, ${`<>${START}${STOP}${LT}${GT}`}, ${LT + GT})`;
  return sql<string>`ts_headline('simple', ${guarded}, ${tsQuery(q)}, ${HEADLINE_OPTIONS})`;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);

/** A ts_headline result with sentinels as safe HTML: everything escaped except the <mark> tags. */
export function markSnippet(raw: string | null | undefined): string {
  if (!raw) return "";
  let open = false;
  let out = "";
  for (const part of raw.split(/([\u0001\u0002])/u)) {
    if (part === START) {
      if (!open) out += "<mark>";
      open = true;
    } else if (part === STOP) {
      if (open) out += "</mark>";
      open = false;
    } else {
      out += escapeHtml(part).replaceAll(LT, "&lt;").replaceAll(GT, "&gt;");
    }
  }
  return open ? `${out}</mark>` : out;
}

/** Every case-insensitive occurrence of `needle` in `text` wrapped in <mark>; everything else escaped. */
export function highlight(text: string, needle: string): string {
  if (!needle) return escapeHtml(text);
  const re = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "giu");
  let out = "";
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m[0].length === 0) continue;
    out += `${escapeHtml(text.slice(last, m.index))}<mark>${escapeHtml(m[0])}</mark>`;
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}
