import { EcommerceError, type EcommerceConnection } from "@helperiq/core/port/ecommerce";
import { OutboundRefusedError } from "@helperiq/core/port/outbound";

/** The outbound guard's fetch (net/outbound-guard.ts): the store's URL is a workspace's choice. */
export type StoreFetch = (url: string, init?: RequestInit) => Promise<Response>;

/** The store is configured by an admin, but its answers are still bounded: a lookup never needs more. */
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/**
 * One HTTP exchange with the store under the connection's timeout; network failures, and a store address
 * the outbound policy refuses, become EcommerceErrors. Redirects are not followed: the client secret is
 * POSTed, and goes only to the host it was entered for.
 */
export async function send(
  fetch: StoreFetch,
  conn: EcommerceConnection,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(conn.timeoutMs) });
  } catch (err) {
    if (err instanceof OutboundRefusedError) {
      throw new EcommerceError("unreachable", `Not allowed to connect to ${new URL(url).origin}: ${err.message}`);
    }
    const name = (err as Error)?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new EcommerceError("timeout", `The store did not answer within ${conn.timeoutMs} ms`);
    }
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    const why = cause?.code ?? cause?.message ?? (err as Error)?.message ?? "network error";
    throw new EcommerceError("unreachable", `Could not reach ${new URL(url).origin} (${why})`);
  }
}

/** The body as JSON, read under the size cap and the same timeout as the request. */
export async function readJson(res: Response, conn: EcommerceConnection): Promise<unknown> {
  const reader = res.body?.getReader();
  if (!reader) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_RESPONSE_BYTES) {
        await reader.cancel();
        throw new EcommerceError("bad_response", `The store's answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof EcommerceError) throw err;
    const name = (err as Error)?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new EcommerceError("timeout", `The store did not answer within ${conn.timeoutMs} ms`);
    }
    throw new EcommerceError("unreachable", `The connection to the store broke (${(err as Error)?.message})`);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new EcommerceError("bad_response", `The store answered ${res.status} with something that is not JSON`);
  }
}
