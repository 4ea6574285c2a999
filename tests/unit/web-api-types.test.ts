import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WEB_API_TYPES_FILE, webApiTypesText } from "../../scripts/web-api-types.ts";

describe("packages/web/src/api/openapi.d.ts", () => {
  it("is what `npm run web:api-types` generates from openapi.json (`npm run openapi` regenerates both)", async () => {
    expect(readFileSync(WEB_API_TYPES_FILE, "utf8")).toBe(await webApiTypesText());
  }, 60_000);

  it("types every documented operation, keyed as the web app's endpoints.ts spells routes", async () => {
    const doc = JSON.parse(readFileSync("openapi.json", "utf8")) as { paths: Record<string, Record<string, unknown>> };
    const text = readFileSync(WEB_API_TYPES_FILE, "utf8");
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    expect(operations.length).toBeGreaterThan(100);
    expect(operations.filter((op) => !text.includes(`    "${op}": {`))).toEqual([]);
  });
});
