import { isCardNumber, issuerOf, luhnValid } from "@helperiq/core/pci/card";
import { maskHtml, projectHtml, scanHtml } from "@helperiq/core/pci/html";
import { maskText, scanText, summarize } from "@helperiq/core/pci/scan";
import { describe, expect, it } from "vitest";

const found = (text: string) => scanText(text).map((h) => `${h.kind}:${text.slice(h.start, h.end)}`);

describe("card numbers", () => {
  it("checks Luhn and the issuer's ranges and lengths", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(issuerOf("2221000000000009")).toBe("mastercard");
    expect(issuerOf("2720999999999996")).toBe("mastercard");
    // Just outside Mastercard's 2-series, and an Amex prefix at a Visa length.
    expect(isCardNumber("2220999999999995")).toBe(false);
    expect(isCardNumber("2721000000000004")).toBe(false);
    expect(isCardNumber("3782822463100050")).toBe(false);
    expect(isCardNumber("378282246310005")).toBe(true);
    // One digit repeated is a placeholder, whatever Luhn says.
    expect(isCardNumber("4444444444444444")).toBe(false);
    expect(isCardNumber("0000000000000000")).toBe(false);
  });

  it("accepts realistic groupings only, with one kind of separator", () => {
    expect(found("4111 1111 1111 1111")).toEqual(["card_number:4111 1111 1111 1111"]);
    expect(found("4111-1111-1111-1111")).toEqual(["card_number:4111-1111-1111-1111"]);
    expect(found("3782 822463 10005")).toEqual(["card_number:3782 822463 10005"]);
    expect(found("41 11 11 11 11 11 11 11")).toEqual([]);
    expect(found("4111 1111-1111 1111")).toEqual([]);
    expect(found("41111 11111 111111")).toEqual([]);
  });

  it("does not take a window out of a longer number, a word, a decimal or a phone number", () => {
    expect(found("90 4111 1111 1111 1111 2345 6789")).toEqual([]);
    expect(found("x4111111111111111")).toEqual([]);
    expect(found("4111111111111111x")).toEqual([]);
    expect(found("0.4111111111111111")).toEqual([]);
    expect(found("+4111111111111111")).toEqual([]);
    expect(found("4111111111111111.5")).toEqual([]);
    expect(found("<CAKx=4111111111111111@mail.example.com>")).toEqual([]);
    // A card-valid first sixteen digits of a twenty-digit number grouped in fours.
    expect(found("6011-1111-1111-1117-0000")).toEqual([]);
  });

  it("finds two cards in one text and keeps a short neighbour out of the number", () => {
    expect(found("4111111111111111\n5555555555554444")).toEqual([
      "card_number:4111111111111111",
      "card_number:5555555555554444",
    ]);
    expect(found("4111 1111 1111 1111 12/27")).toEqual(["card_number:4111 1111 1111 1111", "expiry:12/27"]);
  });
});

describe("CVV and expiry", () => {
  it("needs a security-code name; the ambiguous names need a card in the text", () => {
    expect(found("cvv 123")).toEqual(["cvv:123"]);
    expect(found("security code 123")).toEqual([]);
    expect(found("card security code 123")).toEqual(["cvv:123"]);
    expect(found("visa, security code 123")).toEqual(["cvv:123"]);
    expect(found("cvv 12345")).toEqual([]);
    expect(found("cvv 12")).toEqual([]);
  });

  it("takes MM/YY and MM/YYYY after an expiry word in a card text or right after a card number", () => {
    expect(found("card exp 09/27")).toEqual(["expiry:09/27"]);
    expect(found("card exp 09/2027")).toEqual(["expiry:09/2027"]);
    expect(found("card exp 13/27")).toEqual([]);
    expect(found("exp 09/27")).toEqual([]);
    expect(found("card exp 09/27/2026")).toEqual([]);
    expect(found("4111111111111111 09/27")).toEqual(["card_number:4111111111111111", "expiry:09/27"]);
    expect(found("card exp 0927, expired 2027-09")).toEqual(["expiry:0927", "expiry:2027-09"]);
  });

  it("reports only the kinds the settings detect", () => {
    const text = "4111 1111 1111 1111 exp 09/27 cvv 123";
    expect(scanText(text, { card_numbers: false, cvv: true, expiry: false }).map((h) => h.kind)).toEqual(["cvv"]);
    expect(scanText(text, { card_numbers: true, cvv: false, expiry: true }).map((h) => h.kind)).toEqual([
      "card_number",
      "expiry",
    ]);
  });
});

describe("summaries and masks", () => {
  const text = "Card 4242 4242 4242 4242, exp 09/27, cvv 123. Thanks";

  it("summarises kinds and count without the matched text", () => {
    const summary = summarize(scanText(text));
    expect(summary).toEqual({ kinds: ["card_number", "cvv", "expiry"], count: 3 });
    expect(JSON.stringify(summary)).not.toMatch(/\d{3}/);
  });

  it("masks a card down to its last four, a CVV and an expiry date completely", () => {
    expect(maskText(text, scanText(text))).toBe("Card •••• •••• •••• 4242, exp ••/••, cvv •••. Thanks");
  });

  it("masks HTML in place: entities, inline tags and attributes, markup intact", () => {
    const html =
      '<p>Card <b>4242</b>&nbsp;4242 4242 4242</p><p title="4111111111111111">exp&nbsp;09/27 &amp; cvv:&#32;123</p>';
    const { projection, hits } = scanHtml(html);
    expect(projection.text).toContain("Card 4242\u00a04242 4242 4242");
    const masked = maskHtml(html, projection, hits);
    expect(masked).toBe(
      '<p>Card <b>•••• •••• •••• 4242</b></p><p title="4111111111111111">exp&nbsp;••/•• &amp; cvv:&#32;•••</p>',
    );
    // Visible text only: the attribute is the redaction's second pass (pci/redact.ts).
    expect(projectHtml(masked).text).not.toMatch(/4242 4242|09\/27|123/);
  });

  it("keeps block boundaries as spaces so text in adjacent paragraphs does not join into one number", () => {
    const { hits } = scanHtml("<p>4111111111</p><p>111111</p>");
    expect(hits).toEqual([]);
  });
});

describe("size", () => {
  it("scans half a megabyte dense with numbers and keywords in well under the request budget (nothing quadratic)", () => {
    const chunk =
      "Order 100000123 cvv shipped 1234 on 11/24/2026, exp 0927 card 4111 1111 1111 1111 tel +44 20 7946 0958 security code 999 expiry 12/27. ";
    const text = chunk.repeat(Math.ceil(500_000 / chunk.length));
    const started = performance.now();
    const hits = scanText(text);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(hits.filter((h) => h.kind === "card_number")).toHaveLength(Math.ceil(500_000 / chunk.length));
  });
});
