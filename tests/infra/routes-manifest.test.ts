import { FAMILIES } from "@helperiq/api";
import { FAMILY_ROUTES } from "@helperiq/api/routes";
import { describe, expect, it } from "vitest";
import { CONTRACT_ROUTES } from "../contract/routes.ts";

/** FAMILY_ROUTES is what infra/api.ts deploys; these keep it equal to the apps and inside the contract. */

const key = (method: string, path: string) => `${method} ${path}`;

/** A family app's endpoints: Hono lists one entry per handler and middleware, and "ALL" for `use()`. */
function endpointsOf(app: { routes: ReadonlyArray<{ method: string; path: string }> }): string[] {
  return [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => key(r.method, r.path)))].sort();
}

describe("FAMILY_ROUTES", () => {
  it("names exactly the families of the API", () => {
    expect(Object.keys(FAMILY_ROUTES).sort()).toEqual(Object.keys(FAMILIES).sort());
  });

  for (const [family, app] of Object.entries(FAMILIES)) {
    it(`lists the routes of the ${family} app`, () => {
      const manifest = (FAMILY_ROUTES as Record<string, ReadonlyArray<readonly [string, string]>>)[family] ?? [];
      const listed = manifest.map(([method, path]) => key(method, path));
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed.sort()).toEqual(endpointsOf(app));
    });
  }

  it("lists only contract routes, each under its contract family", () => {
    const contractFamily = new Map(CONTRACT_ROUTES.map((r) => [key(r.method, r.path), r.family]));
    const misplaced = Object.entries(FAMILY_ROUTES).flatMap(([family, routes]) =>
      routes
        .map(([method, path]) => ({
          route: key(method, path),
          family,
          contract: contractFamily.get(key(method, path)),
        }))
        .filter((r) => r.contract !== r.family),
    );
    expect(misplaced).toEqual([]);
  });
});
