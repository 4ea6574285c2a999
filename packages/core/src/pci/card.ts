/**
 * Payment card numbers: issuer ranges (IIN/BIN prefixes with the lengths each scheme issues) and the Luhn
 * checksum. A digit string is a card number only if both agree, which is what keeps order numbers, phone
 * numbers and tracking codes out.
 */

type Issuer = { name: string; ranges: [from: string, to: string][]; lengths: number[] };

const range = (from: string, to = from): [string, string] => [from, to];

export const ISSUERS: Issuer[] = [
  { name: "visa", ranges: [range("4")], lengths: [13, 16, 19] },
  { name: "mastercard", ranges: [range("51", "55"), range("2221", "2720")], lengths: [16] },
  { name: "amex", ranges: [range("34"), range("37")], lengths: [15] },
  {
    name: "discover",
    ranges: [range("6011"), range("644", "649"), range("65"), range("622126", "622925")],
    lengths: [16, 17, 18, 19],
  },
  { name: "jcb", ranges: [range("3528", "3589")], lengths: [16, 17, 18, 19] },
  {
    name: "diners",
    ranges: [range("300", "305"), range("3095"), range("36"), range("38", "39")],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { name: "unionpay", ranges: [range("62"), range("81")], lengths: [16, 17, 18, 19] },
  {
    name: "maestro",
    ranges: [
      range("5018"),
      range("5020"),
      range("5038"),
      range("5893"),
      range("6304"),
      range("6759"),
      range("6761", "6763"),
    ],
    lengths: [13, 14, 15, 16, 17, 18, 19],
  },
  { name: "mir", ranges: [range("2200", "2204")], lengths: [16, 17, 18, 19] },
  { name: "rupay", ranges: [range("60"), range("508")], lengths: [16] },
  { name: "verve", ranges: [range("506099", "506198"), range("650002", "650027")], lengths: [16, 18, 19] },
  { name: "troy", ranges: [range("9792")], lengths: [16] },
];

/** The scheme whose ranges and lengths `digits` fits, if any. */
export function issuerOf(digits: string): string | undefined {
  for (const issuer of ISSUERS) {
    if (!issuer.lengths.includes(digits.length)) continue;
    const hit = issuer.ranges.some(([from, to]) => {
      const prefix = Number(digits.slice(0, from.length));
      return prefix >= Number(from) && prefix <= Number(to);
    });
    if (hit) return issuer.name;
  }
  return undefined;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** 13–19 digits of a known issuer, Luhn-valid, and not one digit repeated (placeholder "0000…", "4444…"). */
export function isCardNumber(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits) || /^(\d)\1+$/.test(digits)) return false;
  return issuerOf(digits) !== undefined && luhnValid(digits);
}

/**
 * How people and systems group card digits: all together, in fours (the last group shorter), Amex's
 * 4-6-5 and Diners' 4-6-4, and UnionPay's 6-13 / 6-12.
 */
export function realisticGrouping(groups: number[]): boolean {
  if (groups.length === 1) return true;
  const last = groups.length - 1;
  if (groups.every((g, i) => (i < last ? g === 4 : g >= 1 && g <= 4))) return true;
  const shape = groups.join("-");
  return shape === "4-6-5" || shape === "4-6-4" || shape === "6-13" || shape === "6-12" || shape === "6-10";
}
