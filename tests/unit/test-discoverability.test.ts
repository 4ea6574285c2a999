// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the test sources quoted as data hold the `${…}` being recognised
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { FAMILY_ROUTES } from "@helperiq/api/routes";
import { describe, expect, it } from "vitest";

/**
 * Every route's tests can be found by grepping its path (as written in packages/api/src/routes.ts and in its
 * handler). A route is "mentioned" by a test file (tests/**\/*.test.ts) when one line holds its path with
 * each `:param` segment replaced by one path segment (a value such as `42`, an interpolation such as
 * `${conv.uuid}`, or the `:param` name itself), the path ending there, and that line or the two lines on
 * either side name the method (`PUT`, `"PUT"` or `.put(`). So both of these mention `PUT /api/v1/statuses/:id`:
 *
 *   await a.admin.put(`/api/v1/statuses/${id}`, { name: "Pending" });
 *   describe("PUT /api/v1/statuses/:id", () => { … });
 *
 * and `grep -rn "/api/v1/statuses/" tests` finds both. A path built from a constant (`${PATH}/${id}`) or
 * elided (`PUT …/color`) is not a mention: grep cannot find it. A concrete path counts only for the most
 * specific route it fits, a literal segment beating a parameter (`/api/v1/statuses/reorder` mentions that
 * route, never `/api/v1/statuses/:id`).
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const SELF = path.relative(ROOT, import.meta.filename);

type Route = { method: string; path: string };

const ROUTES: Route[] = Object.values(FAMILY_ROUTES).flatMap((routes) =>
  routes.map(([method, p]) => ({ method, path: p })),
);

/** One segment standing for a `:param`: anything up to the next slash, quote, space or query. */
const PARAM_VALUE = "[^/\\s\"'`?#),]+";
/** What may follow a mentioned path: its end, a query, a closing quote, a space or punctuation. */
const PATH_END = "(?=$|[?#\"'`\\s),;:])";

const segments = (p: string) => p.split("/").slice(1);
const isParam = (segment: string) => segment.startsWith(":");

function pathPattern(route: string): RegExp {
  const body = route
    .split("/")
    .map((s) => (isParam(s) ? PARAM_VALUE : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`${body}${PATH_END}`, "g");
}

/** The route a concrete path reaches: among the route paths it fits, the one whose first parameter comes last. */
function mostSpecific(concrete: string, routePaths: readonly string[]): string | undefined {
  const parts = segments(concrete);
  const fits = routePaths.filter((p) => {
    const s = segments(p);
    return s.length === parts.length && s.every((segment, i) => isParam(segment) || segment === parts[i]);
  });
  return fits.sort((x, y) => {
    const [a, b] = [segments(x), segments(y)];
    const differ = a.findIndex((s, i) => isParam(s) !== isParam(b[i]!));
    return differ < 0 ? 0 : isParam(a[differ]!) ? 1 : -1;
  })[0];
}

/** Whether `source` mentions `route` in a form grep finds (see the comment at the top). */
function mentions(source: string, route: Route, routePaths: readonly string[]): boolean {
  const prefix = route.path.split("/:")[0]!;
  if (!source.includes(prefix)) return false;
  const pattern = pathPattern(route.path);
  const method = new RegExp(`\\b${route.method}\\b|\\.${route.method.toLowerCase()}\\(`);
  const lines = source.split("\n");
  return lines.some(
    (line, i) =>
      line.includes(prefix) &&
      [...line.matchAll(pattern)].some(
        (m) =>
          mostSpecific(m[0], routePaths) === route.path &&
          method.test(lines.slice(Math.max(0, i - 2), i + 3).join("\n")),
      ),
  );
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(file);
    return entry.name.endsWith(".test.ts") ? [path.relative(ROOT, file)] : [];
  });
}

describe("the mention rule", () => {
  const paths = ["/api/v1/statuses/:id", "/api/v1/statuses/reorder", "/api/v1/statuses/:id/color"];
  const put = { method: "PUT", path: "/api/v1/statuses/:id" };

  it("finds a call with an interpolated or literal parameter, and a title naming the route", () => {
    expect(mentions("await a.admin.put(`/api/v1/statuses/${id}`, { name: 'x' });", put, paths)).toBe(true);
    expect(mentions('const res = await client.put("/api/v1/statuses/42", {});', put, paths)).toBe(true);
    expect(mentions('describe("PUT /api/v1/statuses/:id", () => {', put, paths)).toBe(true);
    expect(mentions('await t.app.request(\n  "/api/v1/statuses/7?x=1",\n  { method: "PUT" },\n);', put, paths)).toBe(
      true,
    );
  });

  it("does not count a path built from a constant, an elided path, another method or a longer path", () => {
    expect(mentions("await a.admin.put(`${PATH}/${id}`, {});", put, paths)).toBe(false);
    expect(mentions('describe("PUT …/statuses/:id", () => {', put, paths)).toBe(false);
    expect(mentions("await a.admin.get(`/api/v1/statuses/${id}`);", put, paths)).toBe(false);
    expect(mentions("await a.admin.put(`/api/v1/statuses/${id}/color`, {});", put, paths)).toBe(false);
  });

  it("gives a literal path to its own route, not to the parameter route it also fits", () => {
    expect(mentions('await a.admin.put("/api/v1/statuses/reorder", {});', put, paths)).toBe(false);
    const reorder = { method: "PUT", path: "/api/v1/statuses/reorder" };
    expect(mentions('await a.admin.put("/api/v1/statuses/reorder", {});', reorder, paths)).toBe(true);
  });
});

describe("every route has a test file that mentions it", () => {
  const routePaths = [...new Set(ROUTES.map((r) => r.path))];
  const files = testFiles(path.join(ROOT, "tests"))
    .filter((file) => file !== SELF)
    .map((file) => ({ file, source: readFileSync(path.join(ROOT, file), "utf8") }));

  it("reads the routes and the test files", () => {
    expect(ROUTES.length).toBeGreaterThan(200);
    expect(files.length).toBeGreaterThan(50);
  });

  it("finds each route's method and path in some test file", () => {
    const unfound = ROUTES.filter((route) => !files.some(({ source }) => mentions(source, route, routePaths))).map(
      (r) => `${r.method} ${r.path}`,
    );
    // A route listed here: grep tests/ for its path, find the test that exercises it, name the route in that
    // test's (or its describe's) title, e.g. "… (PUT /api/v1/statuses/:id)"; or write the missing test.
    expect(unfound).toEqual([]);
  });
});
