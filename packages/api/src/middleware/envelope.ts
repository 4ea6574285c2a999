import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppError } from "@helperiq/core/errors/index";

/** Every success answer is `{"data": …}` (spec §1). */
export function ok(c: Context, data: unknown, status: ContentfulStatusCode = 200) {
  return c.json({ data }, status);
}

export function errorBody(err: Pick<AppError, "type" | "message">) {
  return { data: { message: err.message, type: err.type } };
}
