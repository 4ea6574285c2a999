import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import { type ATTRIBUTE_TARGETS, customAttributes } from "./custom-attribute.sql.ts";

export type AttributeTarget = (typeof ATTRIBUTE_TARGETS)[number];

export const MAX_TEXT_VALUE = 2000;

type Definition = Pick<typeof customAttributes.$inferSelect, "key" | "type" | "values" | "regex">;

/**
 * Checks a `custom_attributes` object about to be written to a contact or conversation against the
 * workspace's definitions for that target. Pass only the keys being written: values stored before a
 * definition changed are not re-judged. `null` clears a key and is always accepted. Returns the object
 * unchanged; a failure is a 400 naming `custom_attributes.<key>` (`field` replaces the prefix).
 */
export async function validateAttributeValues(
  ctx: Pick<Ctx, "db" | "tenantId">,
  appliesTo: AttributeTarget,
  values: Record<string, unknown>,
  field = "custom_attributes",
): Promise<Record<string, unknown>> {
  const keys = Object.keys(values);
  if (keys.length === 0) return values;
  const definitions = await ctx.db
    .select({
      key: customAttributes.key,
      type: customAttributes.type,
      values: customAttributes.values,
      regex: customAttributes.regex,
    })
    .from(customAttributes)
    .where(and(eq(customAttributes.tenantId, ctx.tenantId), eq(customAttributes.appliesTo, appliesTo)));
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  for (const key of keys) {
    const at = `${field}.${key}`;
    const definition = byKey.get(key);
    if (!definition) throw new InputError(`${at}: no ${appliesTo} attribute has this key`);
    const problem = values[key] === null ? null : problemWith(definition, values[key]);
    if (problem) throw new InputError(`${at}: ${problem}`);
  }
  return values;
}

/** Why `value` does not fit `definition`, or null when it does. */
function problemWith(definition: Definition, value: unknown): string | null {
  switch (definition.type) {
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "must be a number";
    case "checkbox":
      return typeof value === "boolean" ? null : "must be true or false";
    case "date":
      return typeof value === "string" && isIsoDate(value) ? null : "must be an ISO-8601 date like 2024-05-31";
    case "link":
      return typeof value === "string" && isWebUrl(value) ? null : "must be an http(s) URL";
    case "list":
      return typeof value === "string" && definition.values.includes(value)
        ? null
        : `must be one of ${definition.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "text":
      if (typeof value !== "string") return "must be a string";
      if (value.length > MAX_TEXT_VALUE) return `must be at most ${MAX_TEXT_VALUE} characters`;
      if (definition.regex !== null && !new RegExp(definition.regex).test(value))
        return `must match ${definition.regex}`;
      return null;
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A calendar date (2024-02-30 is not one), optionally with an ISO-8601 time. */
function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m || Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isWebUrl(value: string): boolean {
  if (value.length > MAX_TEXT_VALUE) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}
