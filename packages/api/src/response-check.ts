import type { z, ZodType } from "zod";
import type { DeclaredResponse } from "./route-meta.ts";
import { describeIssue } from "./validate.ts";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The first field of `sent` that `parsed` (the schema's output for it) lacks: response schemas are zod
 * objects, which drop keys they do not declare, so a dropped key is a field the schema does not describe.
 */
function undeclaredField(sent: unknown, parsed: unknown, path: (string | number)[]): (string | number)[] | undefined {
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    for (let i = 0; i < sent.length; i++) {
      const found = undeclaredField(sent[i], parsed[i], [...path, i]);
      if (found) return found;
    }
  } else if (isObject(sent) && isObject(parsed)) {
    for (const [key, value] of Object.entries(sent)) {
      if (!Object.hasOwn(parsed, key)) return [...path, key];
      const found = undeclaredField(value, parsed[key], [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Why `value` is not what `schema` declares — a wrong or missing field, or one it does not describe — or undefined. */
export function valueProblem(schema: ZodType, value: unknown, root: string): string | undefined {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return describeIssue({ ...issue, path: [root, ...issue.path] } as typeof issue);
  }
  const extra = undeclaredField(value, result.data, []);
  if (!extra) return undefined;
  return describeIssue({
    code: "custom",
    message: "not in the declared schema",
    path: [root, ...extra],
    input: undefined,
  } as z.core.$ZodIssue);
}

/**
 * Why a route's answer is not the one it declared (response-check in the test suites), or undefined:
 * a success status other than the declared one, or a JSON body its schema does not describe exactly.
 * Error answers (4xx/5xx) are the error envelope's business, not the route's.
 */
export async function responseProblem(res: Response, declared: DeclaredResponse): Promise<string | undefined> {
  if (res.status < 200 || res.status >= 300) return undefined;
  if (res.status !== declared.status) return `answered ${res.status}, declared ${declared.status}`;
  if (!declared.schema) return undefined;
  let body: unknown;
  try {
    body = await res.clone().json();
  } catch {
    return "the body is not JSON";
  }
  if (!declared.envelope) return valueProblem(declared.schema, body, "body");
  if (!isObject(body) || Object.keys(body).join() !== "data") return 'the body is not {"data": …}';
  return valueProblem(declared.schema, body.data, "data");
}

/**
 * Why a success answer of a route that declared nothing is not allowed (test suites): JSON must be
 * declared, so the OpenAPI document and typed clients know it.
 */
export function undeclaredProblem(res: Response): string | undefined {
  if (res.status < 200 || res.status >= 300) return undefined;
  const type = res.headers.get("content-type") ?? "";
  return type.startsWith("application/json") ? "a JSON answer with no declared schema (responds())" : undefined;
}
