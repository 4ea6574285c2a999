import { describe, expect, it } from "vitest";
import { splitQuotedText } from "../../packages/web/src/features/thread/quotedText.ts";

/**
 * Quoted-text folding of plain-text mail in the thread (HTML mail is folded in the browser suite,
 * tests/browser/web-thread.test.ts): only a quote that ends the message folds, with its attribution.
 */
describe("plain-text quote folding in the web app's thread", () => {
  it("folds the trailing `>` lines with the attribution line above them", () => {
    const mail =
      "Thanks, that worked.\n\nOn Mon, 30 Nov 2026 at 09:12, Ann <ann@acme.example> wrote:\n> Try turning it off.\n>\n> Ann";
    expect(splitQuotedText(mail)).toEqual({
      main: "Thanks, that worked.",
      quoted: "On Mon, 30 Nov 2026 at 09:12, Ann <ann@acme.example> wrote:\n> Try turning it off.\n>\n> Ann",
    });
  });

  it("takes an attribution wrapped over two lines, and other languages' wording", () => {
    const wrapped = "Yes.\nOn Mon, 30 Nov 2026 at 09:12, Ann Example\n<ann@acme.example> wrote:\n> Any news?";
    expect(splitQuotedText(wrapped)).toEqual({
      main: "Yes.",
      quoted: "On Mon, 30 Nov 2026 at 09:12, Ann Example\n<ann@acme.example> wrote:\n> Any news?",
    });
    const french = "Merci.\n\nLe lun. 30 nov. 2026 à 09:12, Ann <ann@acme.example> a écrit :\n> Bonjour";
    expect(splitQuotedText(french).main).toBe("Merci.");
  });

  it("folds everything from Outlook's Original Message separator", () => {
    const mail = "See below.\n\n-----Original Message-----\nFrom: Ann\nSent: Monday\nSubject: Kettle\n\nIt broke.";
    expect(splitQuotedText(mail)).toEqual({
      main: "See below.",
      quoted: "-----Original Message-----\nFrom: Ann\nSent: Monday\nSubject: Kettle\n\nIt broke.",
    });
  });

  it("folds from Outlook's header block when it writes no separator", () => {
    const mail =
      "Done.\n\nFrom: Ann <ann@acme.example>\nSent: Monday, 30 November 2026 09:12\nTo: Support\nSubject: Kettle\n\nIt broke.";
    expect(splitQuotedText(mail)).toEqual({
      main: "Done.",
      quoted:
        "From: Ann <ann@acme.example>\nSent: Monday, 30 November 2026 09:12\nTo: Support\nSubject: Kettle\n\nIt broke.",
    });
  });

  it("leaves inline answers, quote-only messages and quote-free messages whole", () => {
    const inline = "> Did it arrive?\nYes, on Monday.\n> Is it working?\nNo, the lid is cracked.";
    expect(splitQuotedText(inline)).toEqual({ main: inline, quoted: "" });
    const onlyQuote = "On Mon, 30 Nov 2026, Ann wrote:\n> Hello";
    expect(splitQuotedText("> Hello\n> again")).toEqual({ main: "> Hello\n> again", quoted: "" });
    expect(splitQuotedText(onlyQuote).quoted).toBe("");
    expect(splitQuotedText("Just a question > an answer?")).toEqual({
      main: "Just a question > an answer?",
      quoted: "",
    });
  });
});
