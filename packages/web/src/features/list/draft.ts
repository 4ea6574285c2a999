import type { FilterFieldSpec, ListFilter } from "../../api/list.ts";

/** A condition being edited: `value` as the inputs hold it (text, a number, a list of picked options, a pair). */
export type DraftCondition = { key: number; field: string; operator: string; value: unknown };

/** Operators that take no value, a pair, or a list. */
export const NO_VALUE = new Set(["set", "not set"]);
export const LIST_OPS = new Set(["in", "not in", "in or null"]);
/** On a field with fixed values (statuses, agents, tags…) ordering and substring tests mean nothing. */
const PICKER_OPS = new Set(["=", "!=", "in", "not in", "in or null", "set", "not set"]);

export type ValueKind = "date" | "number" | "boolean" | "text";

/** The input a field's values need: its API type, or a custom attribute's own type (compared as text). */
export function kindOf(spec: Pick<FilterFieldSpec, "type" | "attribute_type">): ValueKind {
  if (spec.type === "date" || spec.attribute_type === "date") return "date";
  if (spec.type === "number" || spec.attribute_type === "number") return "number";
  if (spec.type === "boolean" || spec.attribute_type === "checkbox") return "boolean";
  return "text";
}

export function operatorsFor(spec: FilterFieldSpec): string[] {
  const ops = [...spec.operators] as string[];
  return spec.options ? ops.filter((op) => PICKER_OPS.has(op)) : ops;
}

/** The value a fresh condition starts with for this operator. */
export function emptyValue(operator: string): unknown {
  if (NO_VALUE.has(operator)) return undefined;
  if (operator === "between") return ["", ""];
  if (LIST_OPS.has(operator)) return [];
  return "";
}

let nextKey = 1;
export function draftOf(filter: ListFilter, spec: FilterFieldSpec | undefined): DraftCondition {
  let value = filter.value;
  // A list typed by hand is edited as "a, b"; picked options stay a list.
  if (LIST_OPS.has(filter.operator) && !spec?.options && Array.isArray(value)) value = value.join(", ");
  return { key: nextKey++, field: filter.field, operator: filter.operator, value };
}

export function newDraft(spec: FilterFieldSpec): DraftCondition {
  const ops = operatorsFor(spec);
  const operator = ops.includes("=") ? "=" : ops[0]!;
  return { key: nextKey++, field: spec.field, operator, value: emptyValue(operator) };
}

const filled = (v: unknown) => v !== undefined && v !== null && String(v).trim() !== "";

/**
 * The API's condition for a draft, or null while it is incomplete (a value missing). Numbers become numbers;
 * the API checks the rest and names what it refuses.
 */
export function toFilter(d: DraftCondition, spec: FilterFieldSpec | undefined): ListFilter | null {
  if (!spec) return null;
  if (NO_VALUE.has(d.operator)) return { field: d.field, operator: d.operator };
  const kind = kindOf(spec);
  const one = (v: unknown) =>
    kind === "number" && spec.type === "number" && filled(v) && !spec.options ? Number(v) : v;
  if (d.operator === "between") {
    const pair = Array.isArray(d.value) ? d.value : [];
    if (pair.length !== 2 || !pair.every(filled)) return null;
    return { field: d.field, operator: d.operator, value: pair.map(one) };
  }
  if (LIST_OPS.has(d.operator)) {
    const list = Array.isArray(d.value)
      ? d.value
      : String(d.value ?? "")
          .split(",")
          .map((v) => v.trim())
          .filter(Boolean);
    if (list.length === 0) return null;
    return { field: d.field, operator: d.operator, value: list.map(one) };
  }
  if (!filled(d.value)) return null;
  return { field: d.field, operator: d.operator, value: one(d.value) };
}
