import { ref } from "vue";

/**
 * One clock for every row's "waiting 3 h" and SLA countdown: a minute-grained `now` shared by all rows (one
 * timer, not one per row), so the times move on without reloading and without re-rendering rows each second.
 */
const now = ref(Date.now());
let ticking = false;

export function useMinuteClock() {
  if (!ticking) {
    ticking = true;
    setInterval(() => {
      now.value = Date.now();
    }, 60_000);
  }
  return now;
}

const UNITS: [Intl.NumberFormatOptions["unit"] & string, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** A span as its largest whole unit, short ("3 hr", "2 days", "5 min"); under a minute counts as 1 min. */
export function shortSpan(ms: number, locale: string): string {
  const span = Math.abs(ms);
  const [unit, size] = UNITS.find(([, size]) => span >= size) ?? UNITS[UNITS.length - 1]!;
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short" }).format(
    Math.max(1, Math.floor(span / size)),
  );
}
