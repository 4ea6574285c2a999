import { createHash } from "node:crypto";
import { FAMILY_ROUTES } from "../packages/api/src/routes";
import { WEB_DIST } from "../packages/web/build";
import { cacheControlOf, CSP_HOST, contentTypeOf, webBuildFiles, webPageHeaders } from "../packages/web/serving";
import { wildcardDomain } from "./domain";
import { realtime } from "./realtime";

/**
 * The agent web app on the API's origin: one CloudFront distribution (sst.aws.Router) in front of the HTTP
 * API, the WebSocket API and the built app (packages/web/dist, in a private bucket), so the session cookie
 * and the CSRF header work as on the embedded server. The API keeps every path its routes start with
 * (`/api/*`, `/uploads/*`, `/health`, `/logout`, `/widget.js`) and the sockets (`/ws`, `/widget/ws`); every
 * other path is the app's: a file of the build, else index.html (the router's paths, as the embedded
 * server answers them). Unknown `/api/*` paths therefore still get the API's JSON 404.
 */

/** The WebSocket paths of the embedded server (packages/server/src/ws.ts): agents, widget visitors. */
export const SOCKET_PATHS = ["/ws", "/widget/ws"] as const;

/** CloudFront path patterns of the HTTP API: `/x/*` for a first segment with routes under it, `/x` for a route that is just `/x`. */
export function apiPathPatterns(): string[] {
  const patterns = new Set<string>();
  for (const routes of Object.values(FAMILY_ROUTES))
    for (const [, path] of routes) {
      const [, first, ...rest] = path.split("/");
      patterns.add(rest.length ? `/${first}/*` : `/${first}`);
    }
  return [...patterns].sort();
}

/**
 * The site's viewer-request code (run inside SST's CloudFront Function, before `return event.request`):
 * a file of the build is fetched as itself; any other path is the app's, answered by index.html. A missing
 * file under /assets/ (an old build's chunk) stays missing rather than turning into a page.
 */
export function spaFallbackSource(files: readonly string[]): string {
  return [
    `var FILES = ${JSON.stringify(Object.fromEntries(files.map((rel) => [`/${rel}`, 1])))};`,
    `var uri = event.request.uri;`,
    `if (!FILES[uri] && uri.indexOf("/assets/") !== 0) event.request.uri = "/index.html";`,
  ].join("\n");
}

/**
 * The site's viewer-response code: the embedded server's page headers (packages/web/serving.ts), for the
 * Host the page was asked at. Computed here for a placeholder host and filled in at the edge, so both
 * deployments send the same policy byte for byte.
 */
export function pageHeadersSource(): string {
  // A name the host check accepts (so the sockets are in), and that nothing else in the headers contains.
  const placeholder = "host-placeholder.invalid";
  return [
    `var WITH_HOST = ${JSON.stringify(webPageHeaders(placeholder))};`,
    `var WITHOUT_HOST = ${JSON.stringify(webPageHeaders(undefined))};`,
    `var hostHeader = event.request.headers.host;`,
    `var host = hostHeader ? hostHeader.value : "";`,
    `var named = ${CSP_HOST.toString()}.test(host);`,
    `var page = named ? WITH_HOST : WITHOUT_HOST;`,
    `for (var name in page) event.response.headers[name] = { value: named ? page[name].split(${JSON.stringify(placeholder)}).join(host) : page[name] };`,
    `event.response.headers["x-content-type-options"] = { value: "nosniff" };`,
  ].join("\n");
}

/** Uploads the build (each file with its type and caching) and puts the router in front of `api`, the sockets and it. */
export function webRouter(api: { url: $util.Input<string> }) {
  const site = new sst.aws.Bucket("Web", { access: "cloudfront" });
  const files = webBuildFiles(WEB_DIST);
  if (!files.some((f) => f.rel === "index.html"))
    throw new Error(`no web app build in ${WEB_DIST}: sst.config.ts builds it (ensureWebBuild) before this runs`);
  for (const { rel, path } of files) {
    const id = createHash("sha256").update(rel).digest("hex").slice(0, 12);
    new aws.s3.BucketObjectv2(`WebFile${id}`, {
      bucket: site.name,
      key: rel,
      source: new $util.asset.FileAsset(path),
      contentType: contentTypeOf(rel),
      cacheControl: cacheControlOf(rel),
    });
  }
  const domain = wildcardDomain(process.env.BASE_DOMAIN, () => sst.aws.dns());
  const toApi = Object.fromEntries(apiPathPatterns().map((pattern) => [pattern, api.url]));
  // API Gateway's WebSocket API lives at its `$default` stage path; the socket paths are rewritten to it.
  const toSockets = Object.fromEntries(
    SOCKET_PATHS.map((path) => [path, { url: realtime.url, rewrite: { regex: `^${path}$`, to: "/$default" } }]),
  );
  return new sst.aws.Router("WebRouter", {
    // BASE_DOMAIN and *.BASE_DOMAIN (workspaces' hosts) on one certificate, when BASE_DOMAIN is set.
    ...(domain ? { domain } : {}),
    routes: {
      ...toApi,
      ...toSockets,
      "/*": {
        bucket: site,
        edge: {
          viewerRequest: { injection: spaFallbackSource(files.map((f) => f.rel)) },
          viewerResponse: { injection: pageHeadersSource() },
        },
      },
    },
  });
}
