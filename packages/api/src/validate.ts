import { zValidator } from "@hono/zod-validator";
import { findInputProblem, INT4_MAX } from "@helperiq/core/db/storable";
import { InputError } from "@helperiq/core/errors/index";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@helperiq/core/page/index";
import type { ValidationTargets } from "hono";
import { validator } from "hono/validator";
import { z } from "zod";
import { withMeta } from "./route-meta.ts";

/** A field's name as messages give it: `config.smtp[0].host`; the empty path is the body itself. */
function fieldPath(path: readonly PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") || "body"
  );
}

/**
 * Names the first offending field: `name: Too big: expected string to have <=64 characters`. A value that
 * fits none of a union's forms is described by the form it came closest to (the fewest issues among those
 * of the right type), so a body in one client's form hears what that form lacks; a value of none of the
 * union's types hears which types they are.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const wrongType = (issues: z.core.$ZodIssue[]) =>
      issues.length === 1 && issues[0]!.code === "invalid_type" && issues[0]!.path.length === 0;
    const shaped = issue.errors.filter((issues) => issues.length > 0 && !wrongType(issues));
    if (shaped.length === 0) {
      const expected = [
        ...new Set(
          issue.errors.flatMap((issues) => issues.map((i) => (i.code === "invalid_type" ? i.expected : "other"))),
        ),
      ];
      return `${fieldPath(issue.path)}: Invalid input: expected ${expected.join(" or ")}`;
    }
    const closest = shaped.reduce((best, issues) => (issues.length < best.length ? issues : best));
    const first = closest[0]!;
    return describeIssue({ ...first, path: [...issue.path, ...first.path] } as z.core.$ZodIssue);
  }
  return `${fieldPath(issue.path)}: ${issue.message}`;
}

/**
 * Refuses a parsed request part that no schema should ever see: a string (or key) the database cannot
 * store — NUL, a lone surrogate — or hostile nesting (core/db/storable.ts), as `400` naming the field.
 * `validate()` runs it on every part it checks; a handler that reads a body itself runs it too.
 */
export function assertStorableInput(value: unknown): void {
  const problem = findInputProblem(value);
  if (problem) throw new InputError(`${fieldPath(problem.path)}: ${problem.message}`);
}

/**
 * zod validation of one request part (json, form, query, param), after `assertStorableInput`; a failure
 * is `400 InputError` naming the field. The one way handlers get request input, so every route refuses
 * unstorable text by construction.
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const middleware = zValidator(
    target,
    schema,
    (result) => {
      if (!result.success) throw new InputError(describeIssue(result.error.issues[0]!));
    },
    {
      validationFunction: async (s, value) => {
        assertStorableInput(value);
        // zod-validator types the result by zod major version, a conditional type left open for a generic T.
        return (await s.safeParseAsync(value)) as never;
      },
    },
  );
  return withMeta(middleware, { kind: "validate", target, schema });
}

/**
 * A body in JSON (HelperIQ's form) or as a form (LibreDesk's multipart forms, which may carry a file), each
 * checked by its own schema (and `assertStorableInput`) into the shape `c.req.valid("json")` then holds. The
 * route bounds the body with `uploadLimit`, whose schema documents the multipart side.
 */
export function validateJsonOrForm<T>(json: z.ZodType<T>, form: z.ZodType<T>) {
  const middleware = validator("json", async (value, c): Promise<T> => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const isForm = type === "multipart/form-data" || type === "application/x-www-form-urlencoded";
    const input = isForm
      ? await c.req.parseBody().catch(() => {
          throw new InputError("body: malformed form");
        })
      : value;
    assertStorableInput(input);
    const result = await (isForm ? form : json).safeParseAsync(input);
    if (!result.success) throw new InputError(describeIssue(result.error.issues[0]!));
    return result.data;
  });
  return withMeta(middleware, { kind: "validate", target: "json", schema: json });
}

const intParam = (name: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `${name} must be a positive integer`)
    .transform(Number)
    .refine((n) => n > 0, `${name} must be a positive integer`);

/** An id in a JSON body: a positive whole number an int4 id column can hold (larger ones would fail in SQL). */
export const idNumber = z.number().int().positive().max(INT4_MAX);

/** `{id}` path parameters. */
export const idParam = z.object({ id: intParam("id") });

/** Pagination query of list endpoints, with the resource's `order_by` allow-list. */
export function pageQuery<const K extends readonly [string, ...string[]]>(
  orderBy: K,
  defaultOrderBy: K[number],
  model?: string,
) {
  // LibreDesk's UI qualifies the column with its table (`conversations.created_at`) and may upper-case
  // the direction; both spellings name the same allow-listed column.
  const names = model ? [...orderBy, ...orderBy.map((name) => `${model}.${name}`)] : [...orderBy];
  return z.object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    order_by: z
      .enum(names as [string, ...string[]])
      .default(defaultOrderBy)
      .transform((name) => (model && name.startsWith(`${model}.`) ? name.slice(model.length + 1) : name) as K[number]),
    order: z
      .enum(["asc", "desc", "ASC", "DESC"])
      .default("desc")
      .transform((dir) => dir.toLowerCase() as "asc" | "desc"),
  });
}

export const HEX_COLOR = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a hex colour like #1a2b3c");

/** An IANA time zone Intl knows, normalised to its canonical spelling ("utc" → "UTC"). */
export const timeZone = z
  .string()
  .trim()
  .max(64)
  .transform((zone, ctx) => {
    try {
      return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be an IANA time zone like Europe/Berlin" });
      return z.NEVER;
    }
  });
