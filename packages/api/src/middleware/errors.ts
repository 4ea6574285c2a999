import { isDataException, sqlStateOf } from "@helperiq/core/db/sql-state";
import { describeError } from "@helperiq/core/errors/describe";
import { AppError, InputError, NotFoundError, RateLimitError } from "@helperiq/core/errors/index";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { errorBody } from "./envelope.ts";

/** Maps every thrown error to the contract's envelope; unexpected ones are logged, never echoed. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const known = toAppError(err);
  if (isDataException(err)) {
    // Input is checked before the database sees it (validate.ts, filter/values.ts); one that slips through is
    // still the caller's bad input (400), logged by SQLSTATE only so the missing check gets added.
    console.warn(
      `[${c.get("requestId") ?? "-"}] ${c.req.method} ${c.req.path}: the database refused a value (SQLSTATE ${sqlStateOf(err)})`,
    );
  }
  if (known) {
    if (known instanceof RateLimitError) c.header("Retry-After", String(known.retryAfterSeconds));
    return c.json(errorBody(known), known.status);
  }
  const requestId = c.get("requestId") ?? "-";
  // Never the error object itself: a database error carries the statement's parameters (hashes, tokens).
  console.error(`[${requestId}] ${c.req.method} ${c.req.path} failed: ${describeError(err, { stack: true })}`);
  return c.json({ data: { message: `Unexpected error (request id ${requestId})`, type: "GeneralError" } }, 500);
};

function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (isDataException(err)) return new InputError("body: a value is out of range or malformed");
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (malformed JSON body, body too large, …) keep their message, in our envelope.
    if (err.status === 404) return new NotFoundError();
    return new InputError(`body: ${err.message || "malformed request"}`);
  }
  return null;
}

export const notFound: NotFoundHandler<AppEnv> = (c: Context) =>
  c.json(errorBody({ type: "NotFoundError", message: `No route for ${c.req.method} ${c.req.path}` }), 404);
