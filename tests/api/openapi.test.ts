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

  it("gives every operation the success answer its route declares (responds / respondsRaw)", () => {
    const undeclared = Object.entries(
      doc.paths as Record<string, Record<string, { responses: Record<string, { description: string }> }>>,
    )
      .flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ op: `${method.toUpperCase()} ${path}`, responses: op.responses })),
      )
      .filter(({ responses }) =>
        Object.values(responses).some((r) => r.description?.startsWith("Success (no answer declared")),
      )
      .map(({ op }) => op);
    expect(undeclared).toEqual([]);
  });

  it("describes answers as {data} envelopes of named views, pages, and 201/202 where they apply", () => {
    const data = (
      op: { responses: Record<string, { content: Record<string, { schema: Record<string, any> }> }> },
      status: string,
    ) => op.responses[status]!.content["application/json"]!.schema.properties.data;
    expect(data(doc.paths["/api/v1/tags"].get, "200")).toEqual({
      type: "array",
      items: { $ref: "#/components/schemas/Tag" },
    });
    expect(data(doc.paths["/api/v1/tags"].post, "201")).toEqual({ $ref: "#/components/schemas/Tag" });
    expect(data(doc.paths["/api/v1/tags/import"].post, "202")).toEqual({ $ref: "#/components/schemas/ImportJob" });
    expect(doc.components.schemas.Tag).toMatchObject({
      type: "object",
      required: ["id", "name", "created_at", "updated_at"],
      properties: { id: { type: "integer" }, created_at: { type: "string", format: "date-time" } },
      additionalProperties: false,
    });
    const page = data(doc.paths["/api/v1/conversations/all"].get, "200");
    expect(page.required).toEqual(["results", "total", "total_pages", "page", "page_size", "per_page"]);
    expect(page.properties.results.items).toEqual({ $ref: "#/components/schemas/ConversationListItem" });
    expect(
      doc.paths["/api/v1/tags/{id}"].delete.responses["200"].content["application/json"].schema.properties.data,
    ).toEqual({
      type: "boolean",
      const: true,
    });
    // Answers outside the envelope: a bare language pack, a redirect, bytes.
    expect(doc.paths["/api/v1/lang/{lang}"].get.responses["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/LanguagePack",
    });
    expect(doc.paths["/logout"].get.responses["302"].content).toBeUndefined();
    expect(Object.keys(doc.paths["/api/v1/conversations/{uuid}/transcript"].get.responses["200"].content)).toEqual([
      "text/plain",
    ]);
  });
});
