/**
 * POST /ai/completion with the local provider: deterministic, rule-based rewrites — no model, no network.
 * What each key does (README "AI"):
 * - fix_grammar: whitespace, space around punctuation, repeated punctuation and words, "i" → "I", sentence
 *   capitals, a final full stop on sentence lines, and a fixed list of common typos and missing apostrophes.
 * - improve_writing: fix_grammar plus wordy phrases made short ("in order to" → "to") and filler words dropped.
 * - shorten: extractive — greeting and sign-off kept, filler removed, and in bodies of three or more sentences
 *   the first sentence plus the highest-scoring others (frequency of content words) up to half, in order.
 * - friendly / professional: greeting and sign-off swapped (or added), contractions made / expanded,
 *   a few stock phrases swapped; professional also drops emoticons and exclamation marks.
 * - expand and translate are refused (LocalCannotError → 400): they need a language model.
 */

export class LocalCannotError extends Error {}

const TYPOS: Record<string, string> = {
  teh: "the",
  recieve: "receive",
  recieved: "received",
  recieving: "receiving",
  definately: "definitely",
  seperate: "separate",
  occured: "occurred",
  untill: "until",
  wich: "which",
  thier: "their",
  alot: "a lot",
  adress: "address",
  accomodate: "accommodate",
  acheive: "achieve",
  beleive: "believe",
  begining: "beginning",
  calender: "calendar",
  commited: "committed",
  enviroment: "environment",
  guarentee: "guarantee",
  garantee: "guarantee",
  immediatly: "immediately",
  neccessary: "necessary",
  noticable: "noticeable",
  prefered: "preferred",
  recomend: "recommend",
  refered: "referred",
  relevent: "relevant",
  succesful: "successful",
  tommorow: "tomorrow",
  truely: "truly",
  wierd: "weird",
  responce: "response",
  sincerly: "sincerely",
  appologize: "apologize",
  appologise: "apologise",
  inconvienence: "inconvenience",
  inconvenence: "inconvenience",
  unfortunatly: "unfortunately",
  shiping: "shipping",
  pls: "please",
  plz: "please",
  thx: "thanks",
  dont: "don't",
  doesnt: "doesn't",
  didnt: "didn't",
  isnt: "isn't",
  wasnt: "wasn't",
  couldnt: "couldn't",
  shouldnt: "shouldn't",
  wouldnt: "wouldn't",
  havent: "haven't",
  hasnt: "hasn't",
  arent: "aren't",
  im: "I'm",
  ive: "I've",
  youre: "you're",
  theyre: "they're",
  thats: "that's",
};
const TYPO_RE = new RegExp(`\\b(${Object.keys(TYPOS).join("|")})\\b`, "gi");
const ABBREVIATIONS = new Set(["e.g", "i.e", "etc", "vs", "approx", "no", "mr", "mrs", "ms", "dr"]);

const GREETING = /^(hi|hello|hey|hiya|dear|good (morning|afternoon|evening))\b[^.?!,]{0,40}[,!]?$/i;
const CLOSING =
  /^(best|best regards|kind regards|regards|warm regards|many thanks|thanks|thank you|thanks so much|cheers|sincerely|yours sincerely|yours faithfully|take care|all the best|best wishes|thx)\b[^.?!]{0,20}[,.!]?$/i;

function caseLike(original: string, replacement: string): string {
  if (!replacement) return replacement;
  return original[0] === original[0]!.toUpperCase() && original[0] !== original[0]!.toLowerCase()
    ? replacement[0]!.toUpperCase() + replacement.slice(1)
    : replacement;
}

function fixLine(line: string): string {
  let s = line.replace(/[ \t]+/g, " ").trim();
  if (!s) return s;
  s = s.replace(TYPO_RE, (w) => caseLike(w, TYPOS[w.toLowerCase()]!));
  s = s.replace(/\b(\w+)(\s+\1\b)+/gi, (m, w: string) => (["had", "that"].includes(w.toLowerCase()) ? m : w));
  s = s.replace(/ +([,.;:!?])/g, "$1");
  s = s.replace(/([!?,;])\1+/g, "$1").replace(/(?<!\.)\.\.(?!\.)/g, ".");
  s = s.replace(/([,;!?])(?=[A-Za-z])/g, "$1 ").replace(/\b([a-z]{2,})\.([A-Z][a-z])/g, "$1. $2");
  s = s.replace(/\bi\b(?!\.)/g, "I");
  s = s.replace(/(^|[.!?]\s+)([a-z])/g, (m, before: string, letter: string, offset: number) => {
    const prev = s
      .slice(0, offset + before.length)
      .trim()
      .split(/\s+/)
      .pop()
      ?.replace(/[.!?]+$/, "")
      .toLowerCase();
    return prev && ABBREVIATIONS.has(prev) ? m : before + letter.toUpperCase();
  });
  const words = s.split(" ").length;
  if (words >= 3 && /[A-Za-z0-9)"']$/.test(s) && !/^https?:\/\//.test(s) && !GREETING.test(s) && !CLOSING.test(s))
    s += ".";
  return s;
}

/** Per line, so greetings, signatures and lists keep their shape; blank runs collapse to one blank line. */
function perLine(text: string, f: (line: string) => string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map(f)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function fixGrammar(text: string): string {
  return perLine(text, fixLine);
}

const WORDY: [RegExp, string][] = [
  [/\bin order to\b/gi, "to"],
  [/\bdue to the fact that\b/gi, "because"],
  [/\bat this point in time\b/gi, "now"],
  [/\bin the event that\b/gi, "if"],
  [/\ba large number of\b/gi, "many"],
  [/\bprior to\b/gi, "before"],
  [/\bwith regards? to\b/gi, "about"],
  [/\b(is|are) able to\b/gi, "can"],
  [/\b(I|we) (just )?wanted to let you know that\s*/gi, ""],
  [/\bplease be advised that\s*/gi, ""],
  [/\bplease note that\s*/gi, ""],
];
const FILLER = /\s+(really|very|just|actually|basically|simply|quite|totally)\b/gi;

function tighten(line: string): string {
  let s = line.replace(FILLER, "").replace(/^(basically|actually|so),\s*/i, "");
  for (const [re, to] of WORDY) s = s.replace(re, (m) => caseLike(m, to));
  return s;
}

export function improveWriting(text: string): string {
  return perLine(text, (line) => fixLine(tighten(fixLine(line))));
}

type Parts = { greeting: string[]; body: string[]; closing: string[] };

/** Splits a reply into its greeting line, body lines and sign-off block (from the closing phrase to the end). */
function parts(text: string): Parts {
  const lines = fixGrammar(text).split("\n");
  const firstText = lines.findIndex((l) => l.trim() !== "");
  const greeting = firstText >= 0 && GREETING.test(lines[firstText]!.trim()) ? lines.splice(0, firstText + 1) : [];
  const closingAt = lines.findIndex((l) => CLOSING.test(l.trim()));
  const closing = closingAt >= 0 ? lines.splice(closingAt) : [];
  return { greeting: greeting.filter((l) => l.trim()), body: lines, closing };
}

function join(p: Parts): string {
  const body = p.body
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return [p.greeting.join("\n"), body, p.closing.join("\n")].filter((s) => s.trim()).join("\n\n");
}

const STOPWORDS = new Set(
  "the a an and or but if then of to in on at for with by from is are was were be been it this that these those you your we our i me my they them their he she his her as not no do does did have has had will would can could should may might there here what which who when where how all any some so just also about into".split(
    " ",
  ),
);
const SENTENCE = /[^.!?]+(?:[.!?]+|$)/g;

export function shorten(text: string): string {
  const p = parts(text);
  const paragraphs = p.body
    .join("\n")
    .split(/\n\s*\n/)
    .map((para) =>
      para
        .split("\n")
        .map((l) => fixLine(tighten(l)))
        .join(" ")
        .trim(),
    )
    .filter(Boolean);
  const sentences = paragraphs
    .flatMap((para, pi) => (para.match(SENTENCE) ?? []).map((s) => ({ pi, s: s.trim() })))
    .filter((x) => x.s);
  if (sentences.length >= 3) {
    const tokens = (s: string) =>
      s
        .toLowerCase()
        .match(/[a-z0-9']+/g)
        ?.filter((w) => w.length > 2 && !STOPWORDS.has(w)) ?? [];
    const freq = new Map<string, number>();
    for (const { s } of sentences) for (const w of tokens(s)) freq.set(w, (freq.get(w) ?? 0) + 1);
    const score = (s: string) => {
      const ws = [...new Set(tokens(s))];
      return ws.reduce((sum, w) => sum + (freq.get(w) ?? 0), 0) / Math.sqrt(Math.max(1, s.split(/\s+/).length));
    };
    const keep = Math.ceil(sentences.length / 2);
    const ranked = sentences
      .map((x, i) => ({ i, score: i === 0 ? Infinity : score(x.s) }))
      .sort((a, b) => b.score - a.score || a.i - b.i);
    const kept = new Set(ranked.slice(0, keep).map((r) => r.i));
    p.body = paragraphs
      .map((_, pi) =>
        sentences
          .filter((x, i) => x.pi === pi && kept.has(i))
          .map((x) => x.s)
          .join(" "),
      )
      .filter(Boolean)
      .flatMap((para, i) => (i === 0 ? [para] : ["", para]));
  } else {
    p.body = paragraphs.flatMap((para, i) => (i === 0 ? [para] : ["", para]));
  }
  return join(p);
}

const CONTRACT: [RegExp, string][] = [
  [/\b(do|does|did|is|are|was|were|could|should|would|has|have) not\b/gi, "$1n't"],
  [/\bcan ?not\b/gi, "can't"],
  [/\bwill not\b/gi, "won't"],
  // Only mid-clause: "that is where it is." must not become "where it's."
  [/\b(I) am\b(?= \w)/g, "$1'm"],
  [/\b(we|you|they) are\b(?= \w)/gi, "$1're"],
  [/\b(it|that|there|here|what) is\b(?= \w)/gi, "$1's"],
  [/\b(I|we|you|they) will\b(?= \w)/gi, "$1'll"],
  [/\blet us\b/gi, "let's"],
];
const EXPAND: [RegExp, string][] = [
  [/\bcan't\b/gi, "cannot"],
  [/\bwon't\b/gi, "will not"],
  [/\b(\w+)n't\b/gi, "$1 not"],
  [/\b(I)'m\b/g, "$1 am"],
  [/\b(\w+)'re\b/gi, "$1 are"],
  [/\b(\w+)'ll\b/gi, "$1 will"],
  [/\b(I|we|you|they)'ve\b/gi, "$1 have"],
  [/\b(I|we|you|they)'d\b/gi, "$1 would"],
  [/\b(it|that|there|here|what|he|she)'s\b/gi, "$1 is"],
  [/\blet's\b/gi, "let us"],
];
const FRIENDLY_PHRASES: [RegExp, string][] = [
  [/\bwe apologi[sz]e for (any|the) inconvenience( caused)?\b/gi, "sorry for the hassle"],
  [/\bkindly\b/gi, "please"],
  [/\bdo not hesitate to\b/gi, "feel free to"],
  [/\bassist you\b/gi, "help you"],
];
const PROFESSIONAL_PHRASES: [RegExp, string][] = [
  [/\b(yeah|yep|yup)\b/gi, "yes"],
  [/\bnope\b/gi, "no"],
  [/\bgonna\b/gi, "going to"],
  [/\bwanna\b/gi, "want to"],
  [/\basap\b/gi, "as soon as possible"],
  [/\bsorry for the hassle\b/gi, "we apologize for the inconvenience"],
  [/\bfeel free to\b/gi, "please do not hesitate to"],
];

function swap(text: string, rules: [RegExp, string][]): string {
  let s = text;
  for (const [re, to] of rules)
    s = s.replace(re, (m, ...groups: unknown[]) => caseLike(m, to.replace(/\$1/g, String(groups[0]))));
  return s;
}

const NAME_AFTER = /^(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))\b\s*([^,!]*)[,!]?$/i;

export function friendly(text: string): string {
  const p = parts(text);
  const name = p.greeting[0]?.trim().match(NAME_AFTER)?.[1]?.trim();
  p.greeting = [name ? `Hi ${name},` : p.greeting[0] && /^good /i.test(p.greeting[0]) ? p.greeting[0] : "Hi there,"];
  p.body = p.body.map((l) => fixLine(swap(swap(l, FRIENDLY_PHRASES), CONTRACT)));
  const signer = p.closing.slice(1).filter((l) => l.trim());
  p.closing = p.closing.length ? ["Cheers,", ...signer] : ["Have a great day!"];
  return join(p);
}

export function professional(text: string): string {
  const p = parts(text.replace(/(^|\s)[:;]-?[)(DPp](?=\s|$)/g, "$1").replace(/\p{Extended_Pictographic}\uFE0F?/gu, ""));
  const name = p.greeting[0]?.trim().match(NAME_AFTER)?.[1]?.trim();
  p.greeting = [name && !/^there$/i.test(name) ? `Hello ${name},` : "Hello,"];
  p.body = p.body.map((l) => fixLine(swap(swap(l, PROFESSIONAL_PHRASES), EXPAND).replace(/!+/g, ".")));
  const signer = p.closing.slice(1).filter((l) => l.trim());
  p.closing = ["Kind regards,", ...signer];
  return join(p);
}
