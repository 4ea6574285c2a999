import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { InputError } from "../errors/index.ts";
import { normalizeFilter, type FilterModels } from "./libredesk.ts";
import { filterText as text, filterValue } from "./values.ts";

/**
 * The JSON `filters` language of list endpoints: an array of {field, operator, value}.
 * Fields and operators are allow-listed per resource; values are always bound as parameters.
 */

export const OPERATORS = [
  "=",
  "!=",
  "contains",
  "not contains",
  "set",
  "not set",
  "between",
  "greater than",
  "less than",
  "in",
  "not in",
  "in or null",
] as const;
export type Operator = (typeof OPERATORS)[number];

/** LibreDesk's spelled-out names for the same operators are accepted too. */
const ALIASES: Record<string, Operator> = {
  equals: "=",
  "not equal": "!=",
  "not equals": "!=",
  not_in: "not in",
  in_or_null: "in or null",
};

type Expr = SQL | AnyColumn;

export type FilterField =
  | { type: "number" | "text" | "date" | "boolean"; expr: Expr }
  /** A set-valued field (e.g. tags): `has(values)` is true when any value is present, `any` when the set is non-empty. */
  | { type: "set"; has: (values: string[]) => SQL; any: SQL };

export type FilterFields = Record<string, FilterField>;

export type FilterOptions = {
  /** When set, `custom_attributes.<key>` fields compare against this jsonb column as text. */
  customAttributes?: AnyColumn | SQL;
  /** LibreDesk's `{model, field}` names this resource accepts (see libredesk.ts); without it `model` is refused. */
  models?: FilterModels;
  /** The clock relative date presets are resolved against. */
  now?: Date;
};

/** The operators each field type takes: what `compileFilters` accepts, and what a client may offer. */
export const OPS_BY_TYPE: Record<FilterField["type"], readonly Operator[]> = {
  number: ["=", "!=", "set", "not set", "between", "greater than", "less than", "in", "not in", "in or null"],
  date: ["=", "!=", "set", "not set", "between", "greater than", "less than"],
  text: ["=", "!=", "contains", "not contains", "set", "not set", "in", "not in"],
  boolean: ["=", "!=", "set", "not set"],
  set: ["=", "!=", "contains", "not contains", "set", "not set", "in", "not in", "in or null"],
};

const MAX_FILTERS = 30;
const MAX_IN_VALUES = 100;
const ATTRIBUTE_KEY = /^[a-z0-9_]{1,64}$/;

/** Parses a `filters` value (JSON text or already-parsed) and compiles it to one SQL condition. */
export function compileFilters(raw: unknown, fields: FilterFields, options: FilterOptions = {}): SQL | undefined {
  const now = options.now ?? new Date();
  const list = parseList(raw).map((item, i) => normalizeFilter(item, `filters[${i}]`, fields, options.models, now));
  if (list.length === 0) return undefined;
  const parts = list.map((item, i) => compileOne(item, i, fields, options));
  return sql.join(parts, sql` AND `);
}

function parseList(raw: unknown): unknown[] {
  if (raw === undefined || raw === null || raw === "") return [];
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InputError("filters: must be a JSON array");
    }
  }
  if (!Array.isArray(value)) throw new InputError("filters: must be a JSON array");
  if (value.length > MAX_FILTERS) throw new InputError(`filters: at most ${MAX_FILTERS} filters`);
  return value;
}

function compileOne(item: unknown, i: number, fields: FilterFields, options: FilterOptions): SQL {
  const at = `filters[${i}]`;
  if (!item || typeof item !== "object" || Array.isArray(item)) throw new InputError(`${at}: must be an object`);
  const { field, operator, value } = item as Record<string, unknown>;
  if (typeof field !== "string" || field === "") throw new InputError(`${at}.field: required`);
  if (typeof operator !== "string") throw new InputError(`${at}.operator: required`);
  const op = ALIASES[operator] ?? (OPERATORS as readonly string[]).find((o) => o === operator);
  if (!op) throw new InputError(`${at}.operator: unknown operator "${operator}"`);
  const spec = resolveField(field, fields, options, at);
  if (!OPS_BY_TYPE[spec.type].includes(op as Operator)) {
    throw new InputError(`${at}.operator: "${operator}" is not allowed for field "${field}"`);
  }
  return spec.type === "set"
    ? compileSet(spec, op as Operator, value, at)
    : compileScalar(spec, op as Operator, value, at);
}

function resolveField(field: string, fields: FilterFields, options: FilterOptions, at: string): FilterField {
  const known = Object.hasOwn(fields, field) ? fields[field] : undefined;
  if (known) return known;
  if (options.customAttributes && field.startsWith("custom_attributes.")) {
    const key = field.slice("custom_attributes.".length);
    if (!ATTRIBUTE_KEY.test(key)) throw new InputError(`${at}.field: invalid custom attribute key "${key}"`);
    return { type: "text", expr: sql`(${options.customAttributes} ->> ${key})` };
  }
  throw new InputError(`${at}.field: unknown field "${field}"`);
}

type Scalar = Extract<FilterField, { expr: Expr }>;

function compileScalar(spec: Scalar, op: Operator, value: unknown, at: string): SQL {
  const e = spec.expr;
  const one = () => filterValue(spec.type, value, `${at}.value`);
  switch (op) {
    case "set":
      return spec.type === "text" ? sql`(${e} IS NOT NULL AND ${e} <> '')` : sql`${e} IS NOT NULL`;
    case "not set":
      return spec.type === "text" ? sql`(${e} IS NULL OR ${e} = '')` : sql`${e} IS NULL`;
    case "=":
      return sql`${e} = ${one()}`;
    case "!=":
      return sql`${e} IS DISTINCT FROM ${one()}`;
    case "greater than":
      return sql`${e} > ${one()}`;
    case "less than":
      return sql`${e} < ${one()}`;
    case "contains":
      return sql`${e} ILIKE ${likePattern(value, `${at}.value`)}`;
    case "not contains":
      return sql`(${e} IS NULL OR ${e} NOT ILIKE ${likePattern(value, `${at}.value`)})`;
    case "between": {
      if (!Array.isArray(value) || value.length !== 2) throw new InputError(`${at}.value: between needs [from, to]`);
      const [from, to] = value.map((v, j) => filterValue(spec.type, v, `${at}.value[${j}]`));
      return sql`${e} BETWEEN ${from} AND ${to}`;
    }
    case "in":
      return sql`${e} IN (${inList(spec, value, at)})`;
    // Like `!=`, "not in" keeps rows without a value (an unassigned ticket is not one of the excluded agents').
    case "not in":
      return sql`(${e} IS NULL OR ${e} NOT IN (${inList(spec, value, at)}))`;
    case "in or null":
      return sql`(${e} IS NULL OR ${e} IN (${inList(spec, value, at)}))`;
  }
}

function inList(spec: Scalar, value: unknown, at: string): SQL {
  const values = list(value, at).map((v, j) => filterValue(spec.type, v, `${at}.value[${j}]`));
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}

function compileSet(spec: Extract<FilterField, { type: "set" }>, op: Operator, value: unknown, at: string): SQL {
  switch (op) {
    case "set":
      return spec.any;
    case "not set":
      return sql`NOT ${spec.any}`;
    case "=":
    case "contains":
      return spec.has([text(value, `${at}.value`)]);
    case "!=":
    case "not contains":
      return sql`NOT ${spec.has([text(value, `${at}.value`)])}`;
    case "in":
      return spec.has(setValues(value, at));
    case "not in":
      return sql`NOT ${spec.has(setValues(value, at))}`;
    case "in or null":
      return sql`(NOT ${spec.any} OR ${spec.has(setValues(value, at))})`;
    default:
      throw new InputError(`${at}.operator: "${op}" is not allowed here`);
  }
}

const setValues = (value: unknown, at: string) => list(value, at).map((v, j) => text(v, `${at}.value[${j}]`));

function list(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new InputError(`${at}.value: must be a non-empty array`);
  if (value.length > MAX_IN_VALUES) throw new InputError(`${at}.value: at most ${MAX_IN_VALUES} values`);
  return value;
}

function likePattern(value: unknown, at: string): string {
  return `%${text(value, at).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
