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
  | { kind: "body-limit"; maxBytes: number };

export function withMeta<F extends object>(fn: F, meta: RouteMeta): F {
  return Object.assign(fn, { [ROUTE_META]: meta });
}

export function metaOf(fn: unknown): RouteMeta | undefined {
  return typeof fn === "function" ? (fn as unknown as Record<symbol, RouteMeta | undefined>)[ROUTE_META] : undefined;
}
