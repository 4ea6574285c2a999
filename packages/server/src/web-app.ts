import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { isAppPath } from "../../web/src/app-paths.ts";

/**
 * Serves the built agent web app (packages/web/dist) in front of the API on the embedded server: `/` and
 * the router's paths (app-paths.ts) answer index.html, the build's files answer themselves, and every
 * other request (all of /api, /ws, /uploads, /widget.js, /health, /logout …) goes to the API untouched,
 * its JSON 404 included. The files are read into memory once, at start: a rebuild while the server runs
 * is picked up by the next start.
 */

type WebFile = { body: Uint8Array; gzip?: Uint8Array; type: string; etag: string; cacheControl: string };
export type WebApp = { index: WebFile; files: Map<string, WebFile> };

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".txt"]);
/** Vite names everything under assets/ by content hash: a name never changes meaning. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** index.html and unhashed files (favicon): revalidated on every load, so a new build shows at once. */
const REVALIDATE = "no-cache";

/** The build in `dir` (index.html + files), or null when there is none. */
export function loadWebApp(dir: string): WebApp | null {
  if (!existsSync(join(dir, "index.html"))) return null;
  const files = new Map<string, WebFile>();
  let index: WebFile | undefined;
  for (const path of listFiles(dir)) {
    const rel = relative(dir, path).split(sep).join("/");
    // Dotfiles (the build stamp) are bookkeeping, not content.
    if (rel.split("/").some((part) => part.startsWith("."))) continue;
    const ext = extname(rel).toLowerCase();
    const body = readFileSync(path);
    const file: WebFile = {
      body,
      type: TYPES[ext] ?? "application/octet-stream",
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      cacheControl: rel.startsWith("assets/") ? IMMUTABLE : REVALIDATE,
    };
    if (COMPRESSIBLE.has(ext) && body.length > 1024) file.gzip = gzipSync(body, { level: 9 });
    if (rel === "index.html") index = file;
    else files.set(`/${rel}`, file);
  }
  return index ? { index, files } : null;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

/**
 * The page's Content-Security-Policy: scripts and styles only from this origin (Vite emits no inline code),
 * API calls and the agent WebSocket to this host only, images from here (uploads) or data:/blob: previews,
 * no plugins, no framing, forms and <base> pinned to this origin.
 */
export function webAppCsp(host: string | undefined): string {
  const sockets = host && /^[a-z0-9.:[\]-]+$/i.test(host) ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "media-src 'self' blob:",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
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
    return respond(request, web.index, {
      "content-security-policy": webAppCsp(request.headers.get("host") ?? undefined),
      "referrer-policy": "same-origin",
      "x-frame-options": "DENY",
    });
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
