import { readdirSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";

/**
 * How the built app (dist/) is served, wherever it is: the embedded server (packages/server/src/web-app.ts)
 * and the AWS deploy (infra/web.ts: S3 objects behind CloudFront) both read these, so the two answer the
 * same types, caching and security headers. Node-only and free of HTTP frameworks.
 */

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

/** Vite names everything under assets/ by content hash: a name never changes meaning. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** index.html and unhashed files (favicon): revalidated on every load, so a new build shows at once. */
export const REVALIDATE = "no-cache";

/** A file of the build, by its path relative to dist (`index.html`, `assets/index-3UuMbToF.js`). */
export function contentTypeOf(rel: string): string {
  return TYPES[extname(rel).toLowerCase()] ?? "application/octet-stream";
}

export function cacheControlOf(rel: string): string {
  return rel.startsWith("assets/") ? IMMUTABLE : REVALIDATE;
}

/** The files of the build in `dir`: relative `/`-separated paths, dotfiles (the build stamp, .vite/) left out. */
export function webBuildFiles(dir: string): Array<{ rel: string; path: string }> {
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) => {
      const path = join(at, entry.name);
      return entry.isDirectory() ? walk(path) : entry.isFile() ? [path] : [];
    });
  return walk(dir)
    .map((path) => ({ rel: relative(dir, path).split(sep).join("/"), path }))
    .filter(({ rel }) => !rel.split("/").some((part) => part.startsWith(".")));
}

/** A Host header fit to name in the policy (a name or address with an optional port; nothing else). */
export const CSP_HOST = /^[a-z0-9.:[\]-]+$/i;

/**
 * The page's Content-Security-Policy: scripts and styles only from this origin (Vite emits no inline code),
 * API calls and the agent WebSocket to this host only, images from here (uploads) or data:/blob: previews,
 * no plugins, no framing, forms and <base> pinned to this origin.
 */
export function webAppCsp(host: string | undefined): string {
  const sockets = host && CSP_HOST.test(host) ? ` ws://${host} wss://${host}` : "";
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

/** The headers index.html is answered with, for the page reached at `host`. */
export function webPageHeaders(host: string | undefined): Record<string, string> {
  return {
    "content-security-policy": webAppCsp(host),
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
  };
}
