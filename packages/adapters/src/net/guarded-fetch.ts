import { OutboundRefusedError } from "@helperiq/core/port/outbound";
import { fetch as undiciFetch, Headers, type Agent, type RequestInit as UndiciRequestInit } from "undici";

/** Redirects followed at most (browsers allow 20; nothing a workspace configures needs more than a few). */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Not carried to another origin by a redirect. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

/**
 * `fetch` over the pinned agent, with redirects handled here rather than by undici: every hop is a new
 * request, so its URL's scheme is checked and its host vetted by the agent like the first. Only GET and
 * HEAD are followed; `redirect: "error"` and `"manual"` behave as in fetch.
 */
export async function guardedFetch(agent: Agent, input: string | URL, init: RequestInit = {}): Promise<Response> {
  const mode = init.redirect ?? "follow";
  const method = (init.method ?? "GET").toUpperCase();
  let url = fetchableUrl(String(input));
  let headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
  for (let hops = 0; ; hops++) {
    const res = await send(agent, url, { ...(init as UndiciRequestInit), headers, redirect: "manual" });
    const location = REDIRECT_STATUSES.has(res.status) ? res.headers.get("location") : null;
    if (location === null || mode === "manual") return res;
    await res.body?.cancel().catch(() => undefined);
    if (mode === "error")
      throw new TypeError(`${url.origin} answered with a redirect (${res.status}), which is not followed here`);
    if (method !== "GET" && method !== "HEAD") throw new TypeError(`a redirect of a ${method} request is not followed`);
    if (hops >= MAX_REDIRECTS) throw new TypeError(`more than ${MAX_REDIRECTS} redirects from ${String(input)}`);
    const next = fetchableUrl(new URL(location, url).href);
    if (next.origin !== url.origin) {
      headers = new Headers(headers);
      for (const name of CREDENTIAL_HEADERS) headers.delete(name);
    }
    url = next;
  }
}

/** An http(s) URL without credentials; anything else is refused before a connection is made. */
function fetchableUrl(href: string): URL {
  const url = new URL(href);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OutboundRefusedError(`${url.protocol.replace(/:$/, "")} URLs are not fetched: only http and https`);
  }
  if (url.username || url.password) throw new OutboundRefusedError("URLs with credentials are not fetched");
  return url;
}

async function send(agent: Agent, url: URL, init: UndiciRequestInit): Promise<Response> {
  try {
    return (await undiciFetch(url, { ...init, dispatcher: agent })) as unknown as Response;
  } catch (err) {
    // undici reports connection failures as TypeError("fetch failed", {cause}); a refusal is reported as itself.
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof OutboundRefusedError) throw cause;
    throw err;
  }
}
