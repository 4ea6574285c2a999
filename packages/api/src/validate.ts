import { zValidator } from "@hono/zod-validator";
import { InputError } from "@helperiq/core/errors/index";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@helperiq/core/page/index";
import type { ValidationTargets } from "hono";
import { z } from "zod";
import { withMeta } from "./route-meta.ts";

/** Names the first offending field: `name: Too big: expected string to have <=64 characters`. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
  return `${path || "body"}: ${issue.message}`;
}

/** zod validation of one request part; a failure is `400 InputError` naming the field. */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) throw new InputError(describeIssue(result.error.issues[0]!));
  });
  return withMeta(middleware, { kind: "validate", target, schema });
}

const intParam = (name: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `${name} must be a positive integer`)
    .transform(Number)
    .refine((n) => n > 0, `${name} must be a positive integer`);

/** `{id}` path parameters. */
export const idParam = z.object({ id: intParam("id") });

/** Pagination query of list endpoints, with the resource's `order_by` allow-list. */
export function pageQuery<const K extends readonly [string, ...string[]]>(orderBy: K, defaultOrderBy: K[number]) {
  return z.object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    order_by: z.enum(orderBy).default(defaultOrderBy as never),
    order: z.enum(["asc", "desc"]).default("desc"),
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
