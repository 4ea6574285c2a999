import { useI18n } from "vue-i18n";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** Dates in the current language: short relative ("5 min ago") for lists, full for tooltips. */
export function useDateFormat() {
  const { locale } = useI18n();
  const relative = (iso: string | null | undefined, now = Date.now()) => {
    if (!iso) return "";
    const diff = new Date(iso).getTime() - now;
    const rtf = new Intl.RelativeTimeFormat(locale.value, { numeric: "auto", style: "short" });
    for (const [unit, ms] of UNITS) if (Math.abs(diff) >= ms) return rtf.format(Math.round(diff / ms), unit);
    return rtf.format(0, "minute");
  };
  const full = (iso: string | null | undefined) =>
    iso ? new Intl.DateTimeFormat(locale.value, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)) : "";
  return { relative, full };
}

/** A person's name from its parts, or the fallback (an email) when there are none. */
export function personName(
  person: { first_name?: string | null; last_name?: string | null } | null | undefined,
  fallback = "",
) {
  const name = [person?.first_name, person?.last_name].filter(Boolean).join(" ").trim();
  return name || fallback;
}

const SIZE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;

/**
 * A file's size in the reader's language, decimal units as file managers show them: "17 B", "12 kB", "3.4 MB".
 * The one size format of the app (thread chips, lightbox, reply attachments). Narrow symbols ("B", not English
 * short "byte"), always a no-break space between number and symbol (narrow English omits it).
 */
export function fileSize(bytes: number, locale: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const parts = new Intl.NumberFormat(locale, {
    style: "unit",
    unit: SIZE_UNITS[unit],
    unitDisplay: "narrow",
    maximumFractionDigits: unit === 0 || value >= 10 ? 0 : 1,
  }).formatToParts(value);
  const number = parts
    .filter((p) => p.type !== "unit" && p.type !== "literal")
    .map((p) => p.value)
    .join("");
  const symbol = parts.find((p) => p.type === "unit")?.value ?? "";
  const unitFirst = parts.findIndex((p) => p.type === "unit") < parts.findIndex((p) => p.type === "integer");
  return unitFirst ? `${symbol}\u00a0${number}` : `${number}\u00a0${symbol}`;
}
