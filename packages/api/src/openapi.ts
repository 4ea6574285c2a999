import type { Hono } from "hono";
import { z, type ZodType } from "zod";
import { bodyLimitOf } from "./middleware/body-limit.ts";
import { CSRF_HEADER, SESSION_COOKIE } from "./middleware/cookies.ts";
import { rateBucketOf } from "./rate-buckets.ts";
import { PLATFORM_PREFIX } from "./routes.ts";
import { metaOf, type DeclaredResponse, type RouteMeta } from "./route-meta.ts";

type Json = Record<string, unknown>;
type App = Pick<Hono, "routes">;

const ERROR_STATUSES: Record<string, [string, string]> = {
  "400": ["InputError", "Validation failure; the message names the field."],
  "401": ["AuthError", "Missing or invalid credentials."],
  "403": ["PermissionError", "Authenticated, but lacking the permission."],
  "404": ["NotFoundError", "No such resource, or not visible to the caller (another workspace's included)."],
  "429": ["RateLimitError", "Too many requests; see Retry-After."],
};

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");

/** Leaves out what says nothing to a client: an integer's safe-integer bounds, a date-time's regular expression. */
function plainer({ jsonSchema: json }: { jsonSchema: Json }) {
  if (json.type === "integer" && json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
  if (json.type === "integer" && json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
  if (json.format === "date-time") delete json.pattern;
}

/**
 * JSON Schema of what the API answers (the schema's output side). Schemas named with `.meta({ id })` (the
 * views) become `components.schemas` entries, referenced wherever they appear; one name, one schema.
 */
function outputSchema(schema: ZodType, components: Record<string, Json>): Json {
  const json = z.toJSONSchema(schema, {
    io: "output",
    unrepresentable: "any",
    target: "draft-2020-12",
    override: plainer,
  }) as Json;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, Json>;
  delete json.$defs;
  const relink = (value: Json): Json =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/'));
  for (const [id, def] of Object.entries(defs)) {
    const linked = relink(def);
    if (components[id] && JSON.stringify(components[id]) !== JSON.stringify(linked))
      throw new Error(`two response schemas are named ${id}`);
    components[id] = linked;
  }
  return relink(json);
}

const SUCCESS_DESCRIPTIONS: Record<number, string> = {
  200: "Success.",
  201: "Created.",
  202: "Accepted: the work runs in the background.",
};

/** The OpenAPI response object of a route's declared success answer. */
function successResponse(declared: DeclaredResponse, components: Record<string, Json>): Json {
  const description = declared.description ?? SUCCESS_DESCRIPTIONS[declared.status] ?? "Success.";
  if (declared.schema) {
    const data = outputSchema(declared.schema, components);
    const schema = declared.envelope
      ? { type: "object", required: ["data"], properties: { data }, additionalProperties: false }
      : data;
    return { description, content: { "application/json": { schema } } };
  }
  if (declared.contentType) return { description, content: { [declared.contentType]: { schema: { type: "string" } } } };
  return { description };
}

/** JSON Schema of what a client sends (the schema's input side: defaults optional, transforms as their input). */
function inputSchema(schema: ZodType): Json {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Json;
  delete json.$schema;
  return json;
}

function parametersOf(where: "path" | "query", schema: ZodType, pathParams: string[]): Json[] {
  const json = inputSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" ? pathParams.includes(name) || required.has(name) : required.has(name),
    schema: property,
  }));
}

/**
 * The OpenAPI 3.1 document of the given family apps, from the zod schemas their `validate()` middleware
 * runs, the permission their `auth()` middleware checks and the answer their `responds()` declares.
 */
export function buildOpenApi(families: Record<string, App>, info: { title: string; version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const views: Record<string, Json> = {};
  for (const [family, app] of Object.entries(families)) {
    const byRoute = new Map<string, RouteMeta[]>();
    for (const route of app.routes) {
      if (route.method === "ALL") continue;
      const key = `${route.method} ${route.path}`;
      const list = byRoute.get(key) ?? [];
      const meta = metaOf(route.handler);
      if (meta) list.push(meta);
      byRoute.set(key, list);
    }
    for (const [key, metas] of byRoute) {
      const [method, path] = key.split(" ") as [string, string];
      const pathParams = [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
      const operation: Json = { tags: [family], operationId: `${method.toLowerCase()} ${path}` };
      const parameters: Json[] = [];
      const authMeta = metas.find((m) => m.kind === "auth");
      for (const meta of metas) {
        if (meta.kind !== "validate") continue;
        if (meta.target === "param") parameters.push(...parametersOf("path", meta.schema, pathParams));
        else if (meta.target === "query") parameters.push(...parametersOf("query", meta.schema, pathParams));
        // A route may take both (validateJsonOrForm): JSON and its multipart form are alternatives of one body.
        else if (meta.target === "json" || meta.target === "form") {
          const type = meta.target === "json" ? "application/json" : "multipart/form-data";
          const content = ((operation.requestBody as Json | undefined)?.content ?? {}) as Json;
          operation.requestBody = {
            required: true,
            content: { ...content, [type]: { schema: inputSchema(meta.schema) } },
          };
        }
      }
      for (const name of pathParams) {
        if (!parameters.some((p) => p.in === "path" && p.name === name))
          parameters.push({ name, in: "path", required: true, schema: { type: "string" } });
      }
      if (parameters.length) operation.parameters = parameters;
      // The operator's platform API has its own key (families/platform/access.ts), checked for every route.
      const platform = path.startsWith(PLATFORM_PREFIX);
      if (platform) operation.security = [{ platformKey: [] }];
      if (authMeta?.kind === "auth") {
        operation.security = [{ session: [] }, { apiKey: [] }];
        if (authMeta.permission) operation["x-permission"] = authMeta.permission;
      }
      const errors = Object.keys(ERROR_STATUSES).filter((status) => {
        if (status === "401") return authMeta !== undefined || platform;
        if (status === "403") return authMeta?.kind === "auth" && authMeta.permission !== undefined;
        if (status === "429") return rateBucketOf(path) !== null;
        return true;
      });
      const bodyLimit = method === "GET" ? null : bodyLimitOf(metas);
      if (typeof bodyLimit === "number") operation["x-max-body-bytes"] = bodyLimit;
      const declared = metas.find((m) => m.kind === "response");
      operation.responses = {
        ...(declared?.kind === "response"
          ? { [String(declared.status)]: successResponse(declared, views) }
          : { "200": { description: "Success (no answer declared: tests/api/openapi.test.ts refuses this)." } }),
        ...Object.fromEntries(
          errors.map((status) => [status, { $ref: `#/components/responses/${ERROR_STATUSES[status]![0]}` }]),
        ),
        ...(typeof bodyLimit === "number" ? { "413": { $ref: "#/components/responses/TooLarge" } } : {}),
      };
      (paths[toOpenApiPath(path)] ??= {})[method.toLowerCase()] = operation;
    }
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: "3.1.0",
    info: {
      ...info,
      description: "Generated from the API's zod schemas by `npm run openapi`; the contract is ../shared/spec/api.md.",
    },
    servers: [{ url: "http://localhost:9000" }],
    components: {
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: `Session cookie from POST /api/v1/auth/login; writes also echo the CSRF cookie in the ${CSRF_HEADER} header.`,
        },
        apiKey: { type: "http", scheme: "bearer", description: "An API key `lk_…` issued by an admin." },
        platformKey: {
          type: "http",
          scheme: "bearer",
          description: "The operator's PLATFORM_API_KEY, on the platform host only (docs/workspaces.md).",
        },
      },
      responses: {
        ...Object.fromEntries(
          Object.values(ERROR_STATUSES).map(([type, description]) => [
            type,
            { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          ]),
        ),
        TooLarge: {
          description:
            "The body is over the route's limit (`x-max-body-bytes`), refused before it is read; type InputError.",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
      schemas: {
        ...Object.fromEntries(Object.entries(views).sort(([a], [b]) => a.localeCompare(b))),
        Error: {
          type: "object",
          required: ["data"],
          properties: {
            data: {
              type: "object",
              required: ["message", "type"],
              properties: {
                message: { type: "string" },
                type: { type: "string", enum: [...Object.values(ERROR_STATUSES).map(([t]) => t), "GeneralError"] },
              },
            },
          },
        },
      },
    },
    paths: sorted,
  };
}
