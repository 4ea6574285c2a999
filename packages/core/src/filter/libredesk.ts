import { InputError } from "../errors/index.ts";
import type { FilterFields } from "./index.ts";

/**
 * LibreDesk's agent UI writes a filter as `{model, field, operator, value}`: `model` names a table, every
 * value is a string, list operators carry their list JSON-encoded (`"[\"Open\"]"`), `between` a
 * comma-separated pair and dates a preset (`relative_date`). This turns such an item into the
 * resource's own `{field, operator, value}`, so one compiler and one allow-list serve both forms.
 * Items without a `model` keep their field name; their values get the same decoding.
 */

/** Per LibreDesk model, its field names mapped to this resource's filter field names (the allow-list). */
export type FilterModels = Record<string, Record<string, string>>;

/** Every listed field under its own name (a model whose columns the resource exposes as they are). */
export function sameNames(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, n]));
}

const LIST_OPERATORS = new Set(["in", "not in", "not_in", "in or null", "in_or_null"]);

/** On a set-valued field (tags, status by name…) a list means "any of"; LibreDesk says `contains`. */
const SET_LIST_OPERATORS: Record<string, string> = {
  "=": "in",
  equals: "in",
  contains: "in",
  "!=": "not in",
  "not equals": "not in",
  "not contains": "not in",
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function normalizeFilter(
  item: unknown,
  at: string,
  fields: FilterFields,
  models: FilterModels | undefined,
  now: Date,
): unknown {
  if (!item || typeof item !== "object" || Array.isArray(item)) return item;
  const raw = item as Record<string, unknown>;
  let { field, operator, value } = raw;
  if (raw.model !== undefined && raw.model !== null && raw.model !== "") {
    const model = raw.model;
    if (typeof model !== "string" || !models || !Object.hasOwn(models, model)) {
      throw new InputError(`${at}.model: unknown model "${String(model)}"`);
    }
    const names = models[model]!;
    if (typeof field !== "string" || !Object.hasOwn(names, field)) {
      throw new InputError(`${at}.field: unknown field "${String(field)}" for model "${model}"`);
    }
    field = names[field];
  }
  if (typeof field !== "string" || typeof operator !== "string") return { field, operator, value };
  const name: string = field;
  const type = Object.hasOwn(fields, name) ? fields[name]!.type : undefined;
  let op: string = operator === "ilike" ? "contains" : operator;
  if (typeof value === "string" && (LIST_OPERATORS.has(op) || (type === "set" && value.trimStart().startsWith("[")))) {
    value = decodeList(value, at);
  }
  if (type === "set" && Array.isArray(value)) op = SET_LIST_OPERATORS[op] ?? op;
  if (op === "between" && typeof value === "string" && value.includes(","))
    value = value.split(",").map((v) => v.trim());
  if (type === "date") [op, value] = dateForm(op, value, at, now);
  return { field: name, operator: op, value };
}

function decodeList(value: string, at: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new InputError(`${at}.value: must be a JSON-encoded array`);
  }
}

/**
 * LibreDesk's date forms: a date alone means that whole (UTC) day, and `relative_date` a preset range.
 * Both become `between` (or a shifted `greater than`) of full timestamps.
 */
function dateForm(operator: string, value: unknown, at: string, now: Date): [string, unknown] {
  if (operator === "relative_date") return ["between", relativeRange(value, at, now)];
  if (operator === "between" && Array.isArray(value) && value.length === 2) {
    const [from, to] = value.map(dayStart);
    if (from !== undefined && to !== undefined)
      return ["between", [new Date(from).toISOString(), new Date(to + DAY_MS - 1).toISOString()]];
    return [operator, value];
  }
  const start = dayStart(value);
  if (start === undefined) return [operator, value];
  const endOfDay = new Date(start + DAY_MS - 1).toISOString();
  if (operator === "=" || operator === "equals") return ["between", [new Date(start).toISOString(), endOfDay]];
  if (operator === "greater than") return ["greater than", endOfDay];
  return [operator, value];
}

/** Midnight UTC of a date-only value (`2024-05-01`), or undefined for anything else. */
function dayStart(value: unknown): number | undefined {
  if (typeof value !== "string" || !DATE_ONLY.test(value.trim())) return undefined;
  const start = Date.parse(`${value.trim()}T00:00:00.000Z`);
  return Number.isNaN(start) ? undefined : start;
}

function relativeRange(value: unknown, at: string, now: Date): [string, string] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const range = (from: number, to: number): [string, string] => [
    new Date(from).toISOString(),
    new Date(to).toISOString(),
  ];
  switch (value) {
    case "today":
      return range(today, today + DAY_MS - 1);
    case "yesterday":
      return range(today - DAY_MS, today - 1);
    case "last_7_days":
      return range(now.getTime() - 7 * DAY_MS, now.getTime());
    case "last_30_days":
      return range(now.getTime() - 30 * DAY_MS, now.getTime());
    case "this_month": {
      const first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      return range(first, Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - 1);
    }
    default:
      throw new InputError(
        `${at}.value: unknown relative date "${String(value)}" (today, yesterday, last_7_days, last_30_days, this_month)`,
      );
  }
}
