/**
 * Finding the quoted earlier mail at the end of a plain-text message, so the thread can fold it (HTML mail:
 * quotedHtml.ts). Only a quote that ends the message is folded: an answer written between quoted lines
 * (inline replies) stays whole, and a message that is nothing but a quote is shown as it is.
 */

/** The line a mail client writes above the quote: "On Mon, 1 Jan 2026, Ann <ann@x> wrote:" and its kin. */
export const ATTRIBUTION =
  /^\s*(?:On\s[\s\S]{4,300}\swrote\s?:|Le\s[\s\S]{4,300}\sa\sécrit\s?:|Am\s[\s\S]{4,300}\sschrieb\s[\s\S]{0,120}:|El\s[\s\S]{4,300}\sescribió\s?:)\s*$/i;
/** Outlook's separator, and its header block (From … Sent/Date … Subject) above the earlier mail. */
export const ORIGINAL_MESSAGE = /^\s*-{2,}\s*Original Message\s*-{2,}/i;
export const OUTLOOK_HEADER = /^\s*From:\s[\s\S]{1,400}?\b(?:Sent|Date):\s[\s\S]{1,400}?\bSubject:/i;

const QUOTED_LINE = /^\s*>/;

/**
 * A plain-text message split before its trailing quote: the run of `>` lines (blank lines between them
 * included) that ends the message with the attribution line above it, or everything from Outlook's
 * "-----Original Message-----" or its From/Sent/Subject header. `quoted` is "" when there is nothing to fold.
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
  // Outlook's separator, or its header block (From/Sent/To/Subject lines) where it writes no separator.
  const original = lines.findIndex(
    (l, i) =>
      ORIGINAL_MESSAGE.test(l) || (/^\s*From:\s/.test(l) && OUTLOOK_HEADER.test(lines.slice(i, i + 6).join("\n"))),
  );
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
