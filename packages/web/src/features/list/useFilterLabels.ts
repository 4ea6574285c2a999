import { useI18n } from "vue-i18n";
import type { FilterFieldSpec, ListFilter } from "../../api/list.ts";
import { ATTRIBUTE_PREFIX, useFilterFieldsStore } from "./filterFieldsStore.ts";

/** The English pack's word for each operator of the API. */
const OP_KEYS: Record<string, string> = {
  "=": "is",
  "!=": "isNot",
  contains: "contains",
  "not contains": "notContains",
  set: "isSet",
  "not set": "notSet",
  between: "between",
  "greater than": "greaterThan",
  "less than": "lessThan",
  in: "in",
  "not in": "notIn",
  "in or null": "inOrNone",
};
const opKey = (op: string) => OP_KEYS[op] ?? op;

/** How fields, operators and whole conditions read on screen (the builder's choices and the chips). */
export function useFilterLabels() {
  const { t, te } = useI18n();
  const fields = useFilterFieldsStore();

  function fieldLabel(field: string): string {
    const spec = fields.spec(field);
    if (spec?.label) return spec.label;
    const key = `web.list.field.${field}`;
    // A field the API added since this app was built: its own name until the pack has words for it.
    if (te(key)) return t(key);
    return field.startsWith(ATTRIBUTE_PREFIX) ? field.slice(ATTRIBUTE_PREFIX.length) : field;
  }

  /** Dates read "after/before", other fields "more/less than". */
  function operatorLabel(op: string, spec?: Pick<FilterFieldSpec, "type" | "attribute_type">): string {
    const dated = spec?.type === "date" || spec?.attribute_type === "date";
    const key =
      dated && (op === "greater than" || op === "less than")
        ? `web.list.op.date.${opKey(op)}`
        : `web.list.op.${opKey(op)}`;
    return te(key) ? t(key) : op;
  }

  function conditionLabel(filter: ListFilter): string {
    const spec = fields.spec(filter.field);
    const parts = [fieldLabel(filter.field), operatorLabel(filter.operator, spec)];
    if (filter.operator === "between" && Array.isArray(filter.value))
      parts.push(
        t("web.list.range", {
          from: fields.valueLabel(filter.field, filter.value[0]),
          to: fields.valueLabel(filter.field, filter.value[1]),
        }),
      );
    else if (filter.value !== undefined && filter.value !== "")
      parts.push(fields.valueLabel(filter.field, filter.value));
    return parts.join(" ");
  }

  return { fieldLabel, operatorLabel, conditionLabel };
}
