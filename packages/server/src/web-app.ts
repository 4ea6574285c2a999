import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { isAppPath } from "../../web/src/app-paths.ts";
import { cacheControlOf, contentTypeOf, webBuildFiles, webPageHeaders } from "../../web/serving.ts";

/**
 * Serves the built agent web app (packages/web/dist) in front of the API on the embedded server: `/` and
 * the router's paths (app-paths.ts) answer index.html, the build's files answer themselves, and every
 * other request (all of /api, /ws, /uploads, /widget.js, /health, /logout …) goes to the API untouched,
 * its JSON 404 included. The files are read into memory once, at start: a rebuild while the server runs
 * is picked up by the next start.
 */

type WebFile = { body: Uint8Array; gzip?: Uint8Array; type: string; etag: string; cacheControl: string };
export type WebApp = { index: WebFile; files: Map<string, WebFile> };

const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".txt"]);
/** Below this size gzip saves less than its header and a round of inflating costs: sent as is. */
export const GZIP_MIN_BYTES = 1024;

/** The build in `dir` (index.html + files), or null when there is none. */
export function loadWebApp(dir: string): WebApp | null {
  if (!existsSync(join(dir, "index.html"))) return null;
  const files = new Map<string, WebFile>();
  let index: WebFile | undefined;
  for (const { rel, path } of webBuildFiles(dir)) {
    const ext = extname(rel).toLowerCase();
    const body = readFileSync(path);
    const file: WebFile = {
      body,
      type: contentTypeOf(rel),
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      cacheControl: cacheControlOf(rel),
    };
    if (COMPRESSIBLE.has(ext) && body.length > GZIP_MIN_BYTES) file.gzip = gzipSync(body, { level: 9 });
    if (rel === "index.html") index = file;
    else files.set(`/${rel}`, file);
  }
  return index ? { index, files } : null;
}

/** A fetch handler; the Node adapter passes its bindings (the socket, for the client's address) after the request. */
type Fetch<Rest extends unknown[]> = (request: Request, ...rest: Rest) => Response | Promise<Response>;

/** `api` with the web app in front of it (see the file comment); without a build the app paths say how to make one. */
export function withWebApp<Rest extends unknown[]>(web: WebApp | null, api: Fetch<Rest>): Fetch<Rest> {
  return (request, ...rest) => {
    if (request.method !== "GET" && request.method !== "HEAD") return api(request, ...rest);
    const { pathname } = new URL(request.url);
    const file = web?.files.get(pathname);
    if (file) return respond(request, file, {});
    if (!isAppPath(pathname)) return api(request, ...rest);
    if (!web) {
      return new Response(
        "The web app is not built yet: run `npm run build:web` (npm start builds it before listening).\n",
        {
          status: 503,
          headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
        },
      );
    }
    return respond(request, web.index, webPageHeaders(request.headers.get("host") ?? undefined));
  };
}

function respond(request: Request, file: WebFile, extra: Record<string, string>): Response {
  const headers = new Headers({
    "content-type": file.type,
    "cache-control": file.cacheControl,
    etag: file.etag,
    "x-content-type-options": "nosniff",
    vary: "accept-encoding",
    ...extra,
  });
  const known = (request.headers.get("if-none-match") ?? "").split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (known.includes(file.etag)) return new Response(null, { status: 304, headers });
  const gzip = file.gzip && /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
  const body = gzip ? file.gzip! : file.body;
  if (gzip) headers.set("content-encoding", "gzip");
  headers.set("content-length", String(body.length));
  return new Response(request.method === "HEAD" ? null : body, { status: 200, headers });
}
