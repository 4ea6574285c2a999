import { readFileSync } from "node:fs";
import { FAMILY_ROUTES } from "@helperiq/api/routes";
import { describe, expect, it } from "vitest";
import { OPENAPI_FILE, openApiText } from "../../scripts/openapi.ts";

describe("openapi.json", () => {
  const generated = openApiText();
  const doc = JSON.parse(generated);

  it("is what `npm run openapi` generates from the current zod schemas (run it after changing a route)", () => {
    expect(readFileSync(OPENAPI_FILE, "utf8")).toBe(generated);
  });

  it("documents every deployed route, with the permission its auth middleware checks", () => {
    const listed = Object.values(FAMILY_ROUTES).flatMap((routes) =>
      routes.map(([method, path]) => `${method} ${path.replace(/:([A-Za-z_]\w*)/g, "{$1}")}`),
    );
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(listed.sort());
    expect(doc.paths["/api/v1/tags"].post["x-permission"]).toBe("tags:manage");
    expect(doc.paths["/api/v1/tags"].post.requestBody.content["application/json"].schema.required).toEqual(["name"]);
  });

  it("describes query parameters and path parameters from their schemas", () => {
    const list = doc.paths["/api/v1/conversations/all"].get;
    const names = list.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(["page", "page_size", "order_by", "order"]));
    const pageSize = list.parameters.find((p: { name: string }) => p.name === "page_size");
    expect(pageSize).toMatchObject({ in: "query", required: false, schema: { maximum: 100 } });
    const tag = doc.paths["/api/v1/tags/{id}"].put;
    expect(tag.parameters).toContainEqual(expect.objectContaining({ name: "id", in: "path", required: true }));
    // Public routes carry no security requirement and no 401.
    expect(doc.paths["/health"].get.security).toBeUndefined();
    expect(doc.paths["/health"].get.responses["401"]).toBeUndefined();
  });
});
