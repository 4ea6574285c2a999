import { describe, expect, it } from "vitest";
import { highlightPieces, snippetPieces } from "../../packages/web/src/features/search/snippet.ts";

/** The command palette's snippets: only the API's <mark> becomes markup; every other byte stays text. */
describe("search snippets in the web app", () => {
  it("splits the API's snippet into marked and plain text, decoding its escapes", () => {
    expect(snippetPieces("The &lt;b&gt;<mark>hinge</mark>&lt;/b&gt; &amp; more")).toEqual([
      { text: "The <b>", marked: false },
      { text: "hinge", marked: true },
      { text: "</b> & more", marked: false },
    ]);
  });

  it("keeps tags other than <mark> as text, and an unknown entity as written", () => {
    const pieces = snippetPieces('<img src=x onerror="alert(1)"><mark>x</mark>&bogus;&#39;');
    expect(pieces).toEqual([
      { text: '<img src=x onerror="alert(1)">', marked: false },
      { text: "x", marked: true },
      { text: "&bogus;'", marked: false },
    ]);
  });

  it("marks each case-insensitive occurrence of a needle in plain text", () => {
    expect(highlightPieces("Anna Annerl", "ann")).toEqual([
      { text: "Ann", marked: true },
      { text: "a ", marked: false },
      { text: "Ann", marked: true },
      { text: "erl", marked: false },
    ]);
    expect(highlightPieces("Bob", " ")).toEqual([{ text: "Bob", marked: false }]);
  });
});
