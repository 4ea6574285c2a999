import type { components, operations } from "./openapi.d.ts";

/**
 * Types of the API's answers and inputs, read from openapi.d.ts (generated from openapi.json by
 * `npm run web:api-types`; tests/unit/web-api-types.test.ts keeps it current). Routes are named as
 * endpoints.ts names them: the method in capitals and the path in the API's own `:param` syntax.
 *
 *   Data<"GET", "/api/v1/conversations/:uuid">   the `data` of the route's success answer
 *   Answer<"GET", "/api/v1/lang/:lang">           the whole JSON answer (routes answering without an envelope)
 *   Body<"POST", "/api/v1/conversations/:uuid/messages">   its JSON request body (`unknown` when undeclared)
 *   Query<"GET", "/api/v1/conversations/all">     its query parameters
 *   Schema<"Message">                             a named schema (components.schemas)
 *
 * A path the API does not document fails to compile. A route whose answer is not declared reads as `unknown`.
 */

type OperationKey = keyof operations & string;

export type ApiMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

/** The documented paths of a method: `ApiPath<"GET">` is `"/api/v1/config" | …`. */
export type ApiPath<M extends ApiMethod> = OperationKey extends infer K
  ? K extends `${Lowercase<M>} ${infer P}`
    ? P
    : never
  : never;

/** openapi-typescript's operation for a route (its operationId is `get /api/v1/…`). */
export type Operation<M extends ApiMethod, P extends ApiPath<M>> = operations[`${Lowercase<M>} ${P}` & OperationKey];

/** 200, 201 or 202: the one success status a route declares. */
type Success<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202>] : never;
type Json<R> = R extends { content: { "application/json": infer J } } ? J : unknown;

export type Answer<M extends ApiMethod, P extends ApiPath<M>> = Json<Success<Operation<M, P>>>;

/** `never` for a route answering without the envelope (use Answer). */
export type Data<M extends ApiMethod, P extends ApiPath<M>> =
  Answer<M, P> extends { data: infer D } ? D : unknown extends Answer<M, P> ? unknown : never;

/** A JSON body as declared; a multipart one is FormData; none declared: unchecked. */
type JsonBody<RB> = [RB] extends [never]
  ? unknown
  : RB extends { content: { "application/json": infer B } }
    ? B
    : RB extends { content: { "multipart/form-data": unknown } }
      ? FormData
      : unknown;
export type Body<M extends ApiMethod, P extends ApiPath<M>> = JsonBody<NonNullable<Operation<M, P>["requestBody"]>>;

type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
export type Query<M extends ApiMethod, P extends ApiPath<M>> = QueryOf<Operation<M, P>>;

export type Schema<N extends keyof components["schemas"]> = components["schemas"][N];

/** A route as endpoints.ts lists it. */
export type Route = readonly [ApiMethod, `/${string}`];

/** A documented route: its path is one the API documents for its method. */
type Documented<E extends Route> = E[1] extends ApiPath<E[0]> ? E[1] : never;

/** What a route of endpoints.ts answers (`data`), or `unknown` for a route openapi.json does not document. */
export type EndpointData<E extends Route> = [Documented<E>] extends [never] ? unknown : Data<E[0], Documented<E>>;
/** A route's whole JSON answer (for routes answering without the `{data}` envelope). */
export type EndpointAnswer<E extends Route> = [Documented<E>] extends [never] ? unknown : Answer<E[0], Documented<E>>;
export type EndpointBody<E extends Route> = [Documented<E>] extends [never] ? unknown : Body<E[0], Documented<E>>;
export type EndpointQuery<E extends Route> = [Documented<E>] extends [never]
  ? Record<string, string | number | boolean | undefined>
  : Query<E[0], Documented<E>>;

/** `"/api/v1/conversations/:uuid/messages/:message_uuid"` → `"uuid" | "message_uuid"`. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;
