import { type SQL, sql } from "drizzle-orm";
import { INT4_MAX, INT4_MIN, unstorableText } from "../db/storable.ts";
import { InputError } from "../errors/index.ts";

/**
 * Value checks of the filter language: every value reaches the database as a bound parameter of the
 * field's column type, so it must be one PostgreSQL can take for that type, or the query fails (a 500)
 * instead of the caller's input being refused (400 naming `filters[i].value`).
 */

/** ISO-8601 as clients send it: a date, optionally a time and an offset. JS's lenient parser takes far more ("1", "May 3"). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Text values are compared with ILIKE or `=`: short, and storable as PostgreSQL text. */
const MAX_TEXT_VALUE = 1000;

export type ScalarType = "number" | "text" | "date" | "boolean";

export function filterText(value: unknown, at: string): string {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_TEXT_VALUE) {
    throw new InputError(`${at}: must be a non-empty string of at most ${MAX_TEXT_VALUE} characters`);
  }
  const problem = unstorableText(value);
  if (problem) throw new InputError(`${at}: ${problem}`);
  return value;
}

/** A whole number within int4 (every `number` field is an int4 column: ids, reference numbers); numeric strings ("12") count, as query strings carry them. */
export function filterInteger(value: unknown, at: string): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new InputError(`${at}: must be a number`);
  if (!Number.isInteger(n)) throw new InputError(`${at}: must be a whole number`);
  if (n < INT4_MIN || n > INT4_MAX) throw new InputError(`${at}: must be between ${INT4_MIN} and ${INT4_MAX}`);
  return n;
}

/** An ISO-8601 date in years 1–9999 (PostgreSQL's timestamptz takes no year 0 and JS dates reach 275760), as a timestamptz. */
export function filterDate(value: unknown, at: string): SQL {
  const d = typeof value === "string" && ISO_DATE.test(value.trim()) ? new Date(value.trim()) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new InputError(`${at}: must be an ISO-8601 date`);
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) throw new InputError(`${at}: must be a date in the years 1 to 9999`);
  return sql`${d.toISOString()}::timestamptz`;
}

export function filterBoolean(value: unknown, at: string): boolean {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw new InputError(`${at}: must be true or false`);
}

/** One value of a scalar field, checked for the field's type and bound as that type. */
export function filterValue(type: ScalarType, value: unknown, at: string): string | number | boolean | SQL {
  switch (type) {
    case "number":
      return filterInteger(value, at);
    case "boolean":
      return filterBoolean(value, at);
    case "date":
      return filterDate(value, at);
    case "text":
      return filterText(value, at);
  }
}
