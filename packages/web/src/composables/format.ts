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
