import type { Endpoint } from "./endpoints.ts";
import type { EndpointAnswer, EndpointBody, EndpointData, EndpointQuery, PathParamNames, Route } from "./schema.ts";

/**
 * The one transport to the API: same origin, the session cookie, and the CSRF token (the `csrf_token`
 * cookie the server sets at sign-in) echoed in X-CSRFTOKEN on every write, as the API requires of cookie
 * sessions. Answers are unwrapped from `{data: …}`; errors become ApiError with the API's message.
 */

const CSRF_COOKIE = "csrf_token";
const CSRF_HEADER = "X-CSRFTOKEN";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's error type (InputError, AuthError …), or NetworkError when no answer came. */
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The field a 400 names (`email: required` → `email`), if any. */
  get field(): string | undefined {
    return this.type === "InputError" ? /^([a-z_][a-z0-9_.[\]]*): /i.exec(this.message)?.[1] : undefined;
  }

  /** The message without its field prefix, for showing next to that field. */
  get detail(): string {
    return this.field ? this.message.slice(this.field.length + 2) : this.message;
  }
}

type Query = Record<string, string | number | boolean | undefined>;
export type CallOptions = {
  params?: Record<string, string | number>;
  query?: Query;
  body?: unknown;
  /**
   * A call made without (or to obtain) a session: its 401 is an answer for the caller, not the session
   * ending (sign-in with a wrong password, the boot-time "who am I").
   */
  anonymous?: boolean;
  signal?: AbortSignal;
};

let sessionExpired: () => void = () => undefined;

/** Called when a signed-in call answers 401: the session ended (expired, signed out elsewhere). */
export function onSessionExpired(handler: () => void) {
  sessionExpired = handler;
}

export function csrfToken(): string {
  for (const part of document.cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join("="));
  }
  return "";
}

function urlOf([, path]: Endpoint, params: CallOptions["params"] = {}, query: Query = {}): string {
  const filled = path.replace(/:([a-z_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== "") search.set(key, String(value));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

async function send(endpoint: Endpoint, options: CallOptions): Promise<{ response: Response; payload: unknown }> {
  const [method] = endpoint;
  const headers: Record<string, string> = { accept: "application/json" };
  // A FormData body (a file upload) is sent as multipart, with the boundary the browser writes into its type.
  const multipart = options.body instanceof FormData;
  if (options.body !== undefined && !multipart) headers["content-type"] = "application/json";
  if (method !== "GET") headers[CSRF_HEADER] = csrfToken();
  let response: Response;
  try {
    response = await fetch(urlOf(endpoint, options.params, options.query), {
      method,
      headers,
      credentials: "same-origin",
      body:
        options.body === undefined ? undefined : multipart ? (options.body as FormData) : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "NetworkError", (err as Error).message);
  }
  const text = await response.text();
  let payload: unknown;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, "GeneralError", `Unexpected answer (HTTP ${response.status})`);
    }
  }
  if (!response.ok) {
    const error = refusal(response.status, payload);
    if (response.status === 401 && !options.anonymous) sessionExpired();
    throw error;
  }
  return { response, payload };
}

/** The API's refusal as an ApiError: the envelope's type and message, else the bare HTTP status. */
function refusal(status: number, payload: unknown): ApiError {
  const data = (payload as { data?: { message?: unknown; type?: unknown } } | undefined)?.data;
  return new ApiError(
    status,
    typeof data?.type === "string" ? data.type : "GeneralError",
    typeof data?.message === "string" ? data.message : `HTTP ${status}`,
  );
}

/**
 * Sends a multipart form to an endpoint, reporting the share sent so far (0…1): XMLHttpRequest, since fetch
 * reports no upload progress. Otherwise `call`'s rules: same origin with the session cookie, the CSRF header,
 * the envelope's `data` as the answer, the API's refusal as ApiError (a 401 ends the session), a lost
 * connection as NetworkError, an abort through `signal` as AbortError.
 */
export function upload<E extends Endpoint>(
  endpoint: E,
  form: FormData,
  options: { onProgress?: (sent: number) => void; signal?: AbortSignal } = {},
): Promise<EndpointData<E>> {
  const [method, path] = endpoint;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader("accept", "application/json");
    xhr.setRequestHeader(CSRF_HEADER, csrfToken());
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let payload: unknown;
      try {
        payload = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        reject(new ApiError(xhr.status, "GeneralError", `Unexpected answer (HTTP ${xhr.status})`));
        return;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        resolve((payload as { data: EndpointData<E> } | undefined)?.data as EndpointData<E>);
        return;
      }
      if (xhr.status === 401) sessionExpired();
      reject(refusal(xhr.status, payload));
    };
    xhr.onerror = () => reject(new ApiError(0, "NetworkError", "the upload did not reach the server"));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    options.signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}

/**
 * A route's options, typed from openapi.json (api/schema.ts): its path parameters (required when its path
 * has some), its documented query parameters and its JSON body, so a misspelt field fails vue-tsc.
 */
export type EndpointOptions<E extends Route> = Omit<CallOptions, "params" | "query" | "body"> & {
  query?: EndpointQuery<E>;
  body?: EndpointBody<E>;
} & ([PathParamNames<E[1]>] extends [never]
    ? { params?: Record<string, never> }
    : { params: Record<PathParamNames<E[1]>, string | number> });

/** The options argument: required when the route has path parameters. */
type OptionsArg<E extends Route> = [PathParamNames<E[1]>] extends [never]
  ? [options?: EndpointOptions<E>]
  : [options: EndpointOptions<E>];

/**
 * The endpoints whose declared answer is assignable to T (or undocumented): `call<T>` with a hand-written
 * T compiles only when T is a true view of what the route answers.
 */
type Answering<T, Of extends "data" | "whole"> = Endpoint extends infer E
  ? E extends Endpoint
    ? unknown extends (Of extends "data" ? EndpointData<E> : EndpointAnswer<E>)
      ? E
      : [Of extends "data" ? EndpointData<E> : EndpointAnswer<E>] extends [never]
        ? never
        : [Of extends "data" ? EndpointData<E> : EndpointAnswer<E>] extends [T]
          ? E
          : never
    : never
  : never;

/** Calls an endpoint and returns its envelope's `data`, typed as the route declares it. */
export function call<E extends Endpoint>(endpoint: E, ...options: OptionsArg<E>): Promise<EndpointData<E>>;
/**
 * The same with a hand-written answer type, which the route's declared answer must satisfy (T defaults to
 * never, so this form only applies when T is written out).
 */
export function call<T = never>(endpoint: Answering<T, "data">, options?: CallOptions): Promise<T>;
export async function call(endpoint: Endpoint, options: CallOptions = {}): Promise<unknown> {
  const { payload } = await send(endpoint, options);
  return (payload as { data: unknown }).data;
}

/** Calls an endpoint whose answer has no envelope (the language packs). */
export function callBare<E extends Endpoint>(endpoint: E, ...options: OptionsArg<E>): Promise<EndpointAnswer<E>>;
export function callBare<T = never>(endpoint: Answering<T, "whole">, options?: CallOptions): Promise<T>;
export async function callBare(endpoint: Endpoint, options: CallOptions = {}): Promise<unknown> {
  return (await send(endpoint, options)).payload;
}
