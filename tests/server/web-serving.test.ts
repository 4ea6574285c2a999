import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { FAMILY_ROUTES } from "@helperiq/api/routes";
import { loadConfig } from "@helperiq/server/config";
import { startServer, type RunningServer } from "@helperiq/server/start";
import { GZIP_MIN_BYTES, loadWebApp, withWebApp } from "@helperiq/server/web-app";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuild } from "../../packages/web/build.ts";
import { ENDPOINTS } from "../../packages/web/src/api/endpoints.ts";
import { APP_PATH_SEGMENTS, isAppPath } from "../../packages/web/src/app-paths.ts";

/**
 * The embedded server's serving of the agent web app (packages/server/src/web-app.ts) in front of the API:
 * the built app at `/` and the router's paths, hashed assets cached for good, index.html revalidated and
 * under a strict CSP, and everything else (the API's JSON 404 included) exactly as before. Serving does not
 * touch the database: the suite runs in the PGlite pass only.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), "helperiq-web-serving-"));
const ADMIN_EMAIL = "owner@web-serving.example";
const ADMIN_PASSWORD = "web-serving-password-1";
let server: RunningServer;
let assets: string[];

const get = (p: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${p}`, { redirect: "manual", headers });

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "web app serving (embedded server)",
  { timeout: 120_000 },
  () => {
    beforeAll(async () => {
      await ensureWebBuild();
      server = await startServer(
        loadConfig({ PORT: "0", DATA_DIR: dataDir, ADMIN_EMAIL, ADMIN_PASSWORD }),
        () => undefined,
      );
      const index = await (await get("/")).text();
      assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    }, 180_000);

    afterAll(async () => {
      await server?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("answers / and every app route with index.html: no-cache, strict CSP, no inline code", async () => {
      const uuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
      const paths = [
        "/",
        "/login",
        "/login?next=%2Finboxes%2Fall",
        "/forgot-password",
        "/reset-password?token=abc",
        "/set-password?token=abc",
        "/inboxes/assigned",
        "/inboxes/teams/3",
        `/inboxes/all/conversations/${uuid}`,
        `/conversations/${uuid}`,
        "/contacts/12",
        "/admin/inboxes/new",
        "/account/profile",
        "/search",
      ];
      const first = await (await get("/")).text();
      for (const p of paths) {
        const res = await get(p);
        expect(res.status, p).toBe(200);
        expect(res.headers.get("content-type"), p).toBe("text/html; charset=utf-8");
        expect(res.headers.get("cache-control"), p).toBe("no-cache");
        expect(res.headers.get("x-content-type-options"), p).toBe("nosniff");
        expect(res.headers.get("x-frame-options"), p).toBe("DENY");
        expect(await res.text(), p).toBe(first);
        const csp = res.headers.get("content-security-policy") ?? "";
        const host = new URL(server.url).host;
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self';");
        expect(csp).toContain("style-src 'self';");
        expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
        expect(csp).toContain("object-src 'none'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      }
      // Nothing the CSP would block: every script is a file, no <style> element or style attribute.
      expect(first).toContain('<div id="app"></div>');
      expect(first).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(first).not.toMatch(/<style|\sstyle=/);
      expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
      expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
    });

    it("serves hashed assets with a year-long immutable cache, gzip on request, and 304 for a known ETag", async () => {
      for (const asset of assets) {
        // Node's fetch asks for gzip unless told otherwise.
        const plain = await get(asset, { "accept-encoding": "identity" });
        expect(plain.status, asset).toBe(200);
        expect(plain.headers.get("cache-control"), asset).toBe("public, max-age=31536000, immutable");
        expect(plain.headers.get("content-type"), asset).toMatch(
          asset.endsWith(".js") ? /^text\/javascript/ : /^text\/css/,
        );
        expect(plain.headers.get("content-encoding"), asset).toBeNull();
        const body = Buffer.from(await plain.arrayBuffer());
        // A production build even when a test runner (NODE_ENV=test) started it: no Vue development warnings.
        expect(body.includes("[Vue warn]"), asset).toBe(false);
        const zipped = await get(asset, { "accept-encoding": "gzip, deflate" });
        // A chunk too small to gain from it is sent as it is.
        expect(zipped.headers.get("content-encoding"), asset).toBe(body.length > GZIP_MIN_BYTES ? "gzip" : null);
        // fetch() inflates gzip itself: the same bytes either way.
        expect(Buffer.from(await zipped.arrayBuffer()).equals(body), asset).toBe(true);
        const etag = plain.headers.get("etag")!;
        const again = await get(asset, { "if-none-match": etag });
        expect(again.status, asset).toBe(304);
        expect(await again.text()).toBe("");
      }
      const head = await fetch(`${server.url}${assets[0]}`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
      // The favicon is not hashed: revalidated, like index.html.
      const icon = await get("/favicon.svg");
      expect(icon.status).toBe(200);
      expect(icon.headers.get("content-type")).toBe("image/svg+xml");
      expect(icon.headers.get("cache-control")).toBe("no-cache");
    });

    it("leaves every other path to the API: JSON 404 for unknown /api/* and assets, /health, /logout, /widget.js, /uploads, /ws as before", async () => {
      for (const p of [
        "/api",
        "/api/v1/nope",
        "/api/v2/conversations",
        "/api/v1/conversations/all/extra",
        "/assets/missing-abc123.js",
        "/.build-input",
        "/inboxesx",
        "/ws",
        "/widget/ws",
        "/uploads/3fa85f64-5717-4562-b3fc-2c963f66afa6",
      ]) {
        const res = await get(p);
        expect(res.status, p).toBe(404);
        expect(res.headers.get("content-type"), p).toMatch(/^application\/json/);
        expect(((await res.json()) as { data: { type: string } }).data.type, p).toBe("NotFoundError");
      }
      expect((await get("/health")).status).toBe(200);
      // The signed-in API answers 401 in JSON, not the app's page.
      const statuses = await get("/api/v1/statuses");
      expect(statuses.status).toBe(401);
      expect(statuses.headers.get("content-type")).toMatch(/^application\/json/);
      const logout = await get("/logout");
      expect(logout.status).toBe(302);
      expect(logout.headers.get("location")).toBe("/");
      const widget = await get("/widget.js");
      expect(widget.status).toBe(200);
      expect(widget.headers.get("content-type")).toMatch(/javascript/);
      // Writes to app paths are the API's too (it has none there).
      const post = await fetch(`${server.url}/login`, { method: "POST" });
      expect(post.status).toBe(404);
      expect(post.headers.get("content-type")).toMatch(/^application\/json/);
      // The client's address still reaches the API's rate limiter through the app's handler: sign-in works.
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
      });
      expect(login.status).toBe(200);
    });

    it("serves a build's files from memory, and says how to build when there is none", async () => {
      const api = () => Response.json({ data: { message: "No route", type: "NotFoundError" } }, { status: 404 });
      const empty = mkdtempSync(path.join(tmpdir(), "helperiq-no-web-"));
      try {
        expect(loadWebApp(empty)).toBeNull();
        const bare = withWebApp(loadWebApp(empty), api);
        const page = await bare(new Request("http://localhost/inboxes/all"));
        expect(page.status).toBe(503);
        expect(await page.text()).toContain("npm run build:web");
        expect((await bare(new Request("http://localhost/api/v1/x"))).status).toBe(404);

        mkdirSync(path.join(empty, "assets"));
        writeFileSync(path.join(empty, "index.html"), "<!doctype html><title>t</title>");
        writeFileSync(path.join(empty, "assets", "app-1a2b3c.js"), `console.log(${JSON.stringify("x".repeat(4000))});`);
        writeFileSync(path.join(empty, ".build-input"), "stamp");
        const web = withWebApp(loadWebApp(empty), api);
        const js = await web(
          new Request("http://localhost/assets/app-1a2b3c.js", { headers: { "accept-encoding": "gzip" } }),
        );
        expect(js.headers.get("content-encoding")).toBe("gzip");
        expect(gunzipSync(Buffer.from(await js.arrayBuffer())).toString()).toContain("xxxx");
        expect((await web(new Request("http://localhost/.build-input"))).status).toBe(404);
        expect(await (await web(new Request("http://localhost/admin"))).text()).toBe("<!doctype html><title>t</title>");
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });
  },
);

describe("web app paths and API calls", () => {
  it("owns only its own first segments: no API, upload, widget, socket or health path is an app path", () => {
    for (const segment of APP_PATH_SEGMENTS) expect(isAppPath(`/${segment}`)).toBe(true);
    const apiPaths = Object.values(FAMILY_ROUTES).flatMap((routes) => routes.map(([, p]) => p));
    for (const p of [...apiPaths, "/ws", "/widget/ws", "/uploads/x", "/health", "/logout", "/widget.js"])
      expect(isAppPath(p), p).toBe(false);
  });

  it("calls only the API's public routes (every endpoint of the web app's client is in the route table)", () => {
    const routes = new Set(Object.values(FAMILY_ROUTES).flatMap((r) => r.map(([method, p]) => `${method} ${p}`)));
    for (const [name, [method, p]] of Object.entries(ENDPOINTS)) expect(routes.has(`${method} ${p}`), name).toBe(true);
  });
});
