import type { Context, Input, MiddlewareHandler } from "hono";
import type { AppError } from "@helperiq/core/errors/index";
import type { ZodType } from "zod";
import type { AppEnv } from "../env.ts";
import { responseProblem, undeclaredProblem } from "../response-check.ts";
import { withMeta, type DeclaredResponse } from "../route-meta.ts";

/** The success statuses a JSON answer declares: 201 when a resource is created, 202 when work was queued. */
export type SuccessStatus = 200 | 201 | 202;

/**
 * What `responds()` tells the rest of the route at compile time: carried in the route's Input type (as
 * validators carry theirs), because a Variables entry would make the handler's Context unassignable to
 * the plain `Context<AppEnv>` that helpers like `ctxOf` take. Never present at run time.
 */
declare const DECLARED: unique symbol;
type Declared<T, S extends SuccessStatus> = { out: { [DECLARED]: { data: T; status: S } } };
/** The Input of a route that declared `T`: what a helper answering for such routes takes as its Context's. */
export type Responding<T, S extends SuccessStatus = 200> = Declared<T, S>;
type DataOf<I> = I extends Declared<infer T, SuccessStatus> ? T : never;
type StatusOf<I> = I extends Declared<unknown, infer S> ? S : SuccessStatus;

/** The keys of any member of a union (`keyof` of a union is only the keys all members share). */
type AnyKey<T> = T extends unknown ? keyof T : never;
/** A member's field type, across a union's members. */
type FieldOf<T, K> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;
/**
 * The names of fields in `D` (at any depth) that the declared type `T` does not have; never when none.
 * `D` must also be assignable to `T` (ok's `D extends DataOf<I>`), so together `data` is what was declared;
 * a narrower type (an empty array's `never[]`, a literal) is no difference.
 */
type ExtraFields<D, T> = unknown extends T
  ? never // z.unknown(): anything goes
  : D extends readonly (infer DI)[]
    ? ExtraFields<DI, T extends readonly (infer TI)[] ? TI : never>
    : D extends object
      ? [Exclude<keyof D, AnyKey<T>>] extends [never]
        ? { [K in keyof D]-?: ExtraFields<D[K], FieldOf<T, K>> }[keyof D]
        : Exclude<keyof D, AnyKey<T>>
      : never;
/** The response check (response-check.ts) catches at run time, in the suites, what types cannot see. */
type Exact<D, T> = [ExtraFields<D, T>] extends [never]
  ? unknown
  : { "fields not in the declared schema": ExtraFields<D, T> };
type DataParam<I, D> = I extends Declared<infer T, SuccessStatus> ? D & Exact<D, T> : never;

/**
 * Every success answer is `{"data": …}`, with the route's declared status unless given. `data` is typed
 * by the schema the route declared with `responds()`; a route that declared none cannot call `ok`.
 */
export function ok<P extends string, I extends Input, D extends DataOf<I>>(
  c: Context<AppEnv, P, I>,
  data: DataParam<I, D>,
  status?: StatusOf<I>,
) {
  // A route that declared its answer with `responds()` declared a SuccessStatus.
  return c.json({ data }, status ?? ((c.get("declaredResponse")?.status ?? 200) as SuccessStatus));
}

/**
 * Declares a route's success answer: `{"data": <schema>}` with `status`. The OpenAPI document describes the
 * route with it (openapi.ts), `ok()` is typed by it, and when `config.checkResponses` is on (the test
 * suites) every answer is checked against it (response-check.ts).
 */
export function responds<T, S extends SuccessStatus = 200>(
  schema: ZodType<T>,
  status?: S,
): MiddlewareHandler<AppEnv, string, Declared<T, S>> {
  return declare({ status: status ?? 200, schema, envelope: true });
}

/**
 * Declares an answer that is not the JSON envelope: a bare JSON body (`schema`, e.g. a language pack), an
 * empty one, a redirect, or bytes of `contentType`. The handler answers with `c.json`/`c.body`/`c.redirect`.
 */
export function respondsRaw(declared: Omit<DeclaredResponse, "envelope">): MiddlewareHandler<AppEnv> {
  return declare({ ...declared, envelope: false });
}

function declare(declared: DeclaredResponse): MiddlewareHandler<AppEnv> {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    c.set("declaredResponse", declared);
    await next();
    if (c.get("deps").config.checkResponses) refuse(c, c.req.routePath, await responseProblem(c.res, declared));
  };
  return withMeta(middleware, { kind: "response", ...declared });
}

/** App-wide, when `config.checkResponses` is on: a JSON success answer must have been declared. */
export const requireDeclaredJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (!c.get("declaredResponse")) refuse(c, c.req.path, undeclaredProblem(c.res));
};

/** Loud in the suites: the call that got an answer other than the declared one fails with a 500 naming it. */
function refuse(c: Context<AppEnv>, path: string, problem: string | undefined) {
  if (!problem) return;
  const message = `${c.req.method} ${path}: ${problem}`;
  console.error(`[response-check] ${message}`);
  c.res = c.json(errorBody({ type: "GeneralError", message }), 500);
}

export function errorBody(err: Pick<AppError, "type" | "message">) {
  return { data: { message: err.message, type: err.type } };
}
