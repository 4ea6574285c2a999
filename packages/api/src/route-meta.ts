import type { ZodType } from "zod";

/**
 * What a route's middleware declares about it, kept on the middleware functions themselves so the
 * OpenAPI document is generated from the very schemas and permissions that run (scripts/openapi.ts).
 */
export const ROUTE_META = Symbol.for("helperiq.route-meta");

export type RouteMeta =
  | { kind: "validate"; target: string; schema: ZodType }
  | { kind: "auth"; permission: string | undefined }
  /** A route whose JSON bodies may exceed its class's limit (middleware/body-limit.ts). */
  | { kind: "body-limit"; maxBytes: number }
  /** The route's success answer (middleware/envelope.ts `responds`/`respondsRaw`). */
  | ({ kind: "response" } & DeclaredResponse);

/** A route's declared success answer. */
export type DeclaredResponse = {
  status: number;
  /** The JSON of `data` (of the whole body when `envelope` is false); none for an answer that is not JSON. */
  schema?: ZodType | undefined;
  /** Whether the JSON is wrapped as `{"data": …}`. */
  envelope: boolean;
  /** The media type of an answer that is not JSON (`text/plain`); none for JSON or an empty body. */
  contentType?: string | undefined;
  /** What the answer is, for a redirect or an answer that is not JSON. */
  description?: string | undefined;
};

export function withMeta<F extends object>(fn: F, meta: RouteMeta): F {
  return Object.assign(fn, { [ROUTE_META]: meta });
}

export function metaOf(fn: unknown): RouteMeta | undefined {
  return typeof fn === "function" ? (fn as unknown as Record<symbol, RouteMeta | undefined>)[ROUTE_META] : undefined;
}
