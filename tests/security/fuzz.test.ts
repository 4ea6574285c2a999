import { FAMILIES } from "@helperiq/api/families/index";
import { metaOf } from "@helperiq/api/route-meta";
import { FAMILY_ROUTES } from "@helperiq/api/routes";
import { issueApiKey } from "@helperiq/core/auth/api-key";
import { normalizeLivechatConfig } from "@helperiq/core/inbox/livechat-config";
import { createNotifications } from "@helperiq/core/notification/index";
import { inboxes, users } from "@helperiq/core/schema";
import { createWidgetSession } from "@helperiq/core/widget/session";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z, type ZodType } from "zod";
import { bootTestApp, Client, TEST_IP_HEADER, type Reply, type TestApp } from "../support/app.ts";
import { createAgent, createConversation, createTenant, type TestTenant } from "../support/factories.ts";

/**
 * Generated hostile input on every route of routes.ts, built from the zod schemas the route's own
 * `validate()` / `uploadLimit()` middleware declares (the same metadata the OpenAPI document comes from):
 * NUL characters, lone surrogates, huge and fractional numbers, numeric strings, far-off dates, huge
 * `between` ranges, deep nesting, long strings and wrong types, in bodies, query strings and path
 * parameters, as an anonymous caller, an agent with a few permissions and an admin.
 *
 * Every answer must be below 500, every error must be the envelope, no value may reach the database
 * unchecked (the error mapper's "database refused a value" warning, which would otherwise hide as a 400),
 * and a refused request must write no row of any workspace table (row triggers count inserts, updates and
 * deletes that commit). Bounded: fixed seeds, CASES_PER_ROUTE cases per route, one request each.
 */
const BASE_SEED = 20_251_111;
const ERROR_TYPES = ["InputError", "AuthError", "PermissionError", "NotFoundError", "RateLimitError"];
/** Answers that are not JSON by design: a script, redirects, file bytes. */
const NON_JSON_SUCCESS =
  /^(GET \/health|GET \/widget\.js|GET \/logout|GET \/uploads\/:uuid|GET \/api\/v1\/oidc\/:id\/(login|finish)|GET \/api\/v1\/conversations\/:uuid\/transcript)$/;
/**
 * Columns a refused request may legitimately update: authentication records when a key was last used
 * (at most once a minute) before the route refuses the request.
 */
const TOUCHED_ON_REFUSAL: Record<string, string[]> = { api_keys: ["last_used_at"] };

type Caller = "admin" | "agent" | "anonymous";

type Schemas = { json?: ZodType; query?: ZodType; param?: ZodType; form?: ZodType };

/** The schemas each route's middleware declares, by "METHOD path". */
function routeSchemas(): Map<string, Schemas> {
  const out = new Map<string, Schemas>();
  for (const app of Object.values(FAMILIES)) {
    for (const route of app.routes) {
      const meta = metaOf(route.handler);
      if (meta?.kind !== "validate") continue;
      const key = `${route.method} ${route.path}`;
      const schemas = out.get(key) ?? {};
      schemas[meta.target as keyof Schemas] = meta.schema;
      out.set(key, schemas);
    }
  }
  return out;
}

type Json = Record<string, any>;
const jsonSchemaOf = (schema: ZodType): Json => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;

// ---------------------------------------------------------------------------------------------------
// Values: `validArb` is what a well-behaved client sends for a schema node; each case then turns one
// member of such a request hostile (see ATTACKS).

const HOSTILE_STRINGS = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udc00y",
  "\udfff\ud800",
  "",
  " ",
  "'; DROP TABLE users; --",
  "%00",
  "../../etc/passwd",
  "<img src=x onerror=alert(1)>",
  "𝟘😀é",
  "99999999999",
  "1.5",
  "1e300",
  "-1",
  "NaN",
  "+275760-09-13",
  "-271821-04-20",
  "0000-01-01",
];
const HOSTILE_NUMBERS = [
  1.5,
  1e300,
  -1e300,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  -1,
  0,
  99_999_999_999,
  1e-300,
];
const WRONG_TYPES: unknown[] = [
  null,
  [],
  {},
  true,
  "",
  "\u0000",
  "\ud800",
  1e300,
  1.5,
  -1,
  "99999999999",
  [["\u0000"]],
];
/** Where a workspace points the app at other hosts: a closed local port, so nothing waits on the network. */
const LOCAL_URL = "http://127.0.0.1:1/";
/** Keys the domain validates inside free-form objects (inbox config, RAG config, form data, AI variables). */
const CONFIG_KEYS = [
  "host",
  "port",
  "smtp",
  "imap",
  "snippets",
  "url",
  "username",
  "password",
  "allowed_domains",
  "fields",
  "launcher",
  "crawl_depth",
  "files",
  "tls",
  "name",
  "email",
  "value",
  "site_secret",
];

const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
const hostileNumber = fc.constantFrom(...HOSTILE_NUMBERS);
const wrongType = fc.constantFrom(...WRONG_TYPES);

const members = (s: Json) => (s.anyOf ?? s.oneOf) as Json[] | undefined;
const typeOf = (s: Json): string | undefined =>
  Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
const isUrlish = (s: Json, name: string) => s.format === "uri" || /url|host|endpoint|domain/i.test(name);

function validArb(s: Json, name = "", depth = 0): fc.Arbitrary<unknown> {
  const options = members(s);
  if (options?.length) return fc.oneof(...options.map((m) => validArb(m, name, depth)));
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  switch (typeOf(s)) {
    case "string": {
      if (s.format === "uuid") return fc.uuid({ version: 4 });
      if (s.format === "email") return fc.constant("someone@example.com");
      if (s.format === "date-time") return fc.constant("2024-05-01T10:00:00Z");
      if (isUrlish(s, name)) return fc.constant(s.format === "uri" || /url/i.test(name) ? LOCAL_URL : "127.0.0.1");
      if (s.pattern) {
        try {
          return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 200));
        } catch {
          /* a pattern fast-check cannot generate from: plain text below */
        }
      }
      return fc.string({
        minLength: Math.max(s.minLength ?? 1, 1),
        maxLength: Math.max(Math.min(s.maxLength ?? 30, 30), s.minLength ?? 1),
      });
    }
    case "integer":
      return fc.integer({ min: Math.max(s.minimum ?? 1, -1000), max: Math.min(s.maximum ?? 1000, 1000) });
    case "number":
      return fc.double({
        min: Math.max(s.minimum ?? -1000, -1000),
        max: Math.min(s.maximum ?? 1000, 1000),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      if (depth > 4) return fc.constant([]);
      return fc.array(validArb(s.items ?? {}, name, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(Math.min(s.maxItems ?? 2, 2), s.minItems ?? 0),
      });
    case "object": {
      const props = Object.entries((s.properties ?? {}) as Record<string, Json>);
      if (props.length === 0 || depth > 4) return freeFormValid;
      const required = ((s.required ?? []) as string[]).filter((r) => props.some(([n]) => n === r));
      return fc.record(Object.fromEntries(props.map(([n, p]) => [n, validArb(p, n, depth + 1)])), {
        requiredKeys: required,
      });
    }
    default:
      return freeFormValid;
  }
}

/** Free-form objects the domain checks itself (inbox config, RAG config, form data): keys it knows. */
const freeFormValid: fc.Arbitrary<unknown> = fc.dictionary(
  fc.constantFrom(...CONFIG_KEYS),
  fc.oneof(
    fc.constant(LOCAL_URL),
    fc.constant("127.0.0.1"),
    fc.integer({ min: 0, max: 1000 }),
    fc.boolean(),
    fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 }),
  ),
  { maxKeys: 4 },
);

/**
 * What each of a route's cases attacks, in turn: one valid request as the baseline, then a valid request
 * with ONE hostile member (so the fields around it do not get it refused first), then the URL and the raw body.
 */
const ATTACKS = [
  "valid",
  "nul",
  "surrogate",
  "number",
  "nul",
  "wrong-type",
  "nul-key",
  "date",
  "query",
  "long",
  "deep",
  "query",
  "path",
  "raw",
] as const;
type Attack = (typeof ATTACKS)[number];
/** Who sends case i: mostly the admin (past every permission check, so the input goes deepest). */
const CALLER_OF_CASE: Caller[] = [
  "admin",
  "admin",
  "agent",
  "admin",
  "agent",
  "admin",
  "agent",
  "admin",
  "agent",
  "admin",
  "admin",
  "admin",
  "agent",
  "anonymous",
];
const CASES_PER_ROUTE = ATTACKS.length;

type Path = (string | number)[];

/** Every node of a JSON value with its path, the root first. */
function nodesOf(value: unknown, path: Path = [], out: { path: Path; value: unknown }[] = []) {
  out.push({ path, value });
  if (Array.isArray(value)) for (const [i, v] of value.entries()) nodesOf(v, [...path, i], out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) nodesOf(v, [...path, k], out);
  return out;
}

function replaceAt(root: unknown, path: Path, replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(root);
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  copy[path[0]!] = replaceAt(copy[path[0]!], path.slice(1), replace);
  return copy;
}

/** `valid` with one node chosen by `pick` turned hostile the way `attack` says. */
function mutate(valid: unknown, attack: Attack, pick: number, payload: unknown): unknown {
  const nodes = nodesOf(valid);
  const strings = nodes.filter((n) => typeof n.value === "string");
  const numbers = nodes.filter((n) => typeof n.value === "number");
  const objects = nodes.filter((n) => n.value && typeof n.value === "object" && !Array.isArray(n.value));
  const leaves = nodes.filter((n) => n.path.length > 0);
  const choose = <T>(list: T[], fallback: T) => (list.length ? list[pick % list.length]! : fallback);
  const root = { path: [] as Path, value: valid };
  switch (attack) {
    case "nul":
    case "surrogate": {
      const bad = attack === "nul" ? "\u0000" : "\ud800";
      const target = choose(strings, choose(leaves, root));
      return replaceAt(valid, target.path, (old) =>
        typeof old === "string" ? `${old.slice(0, 1)}${bad}${old.slice(1)}` : `a${bad}b`,
      );
    }
    case "number":
    case "wrong-type":
      return replaceAt(valid, choose(attack === "number" ? numbers : leaves, choose(leaves, root)).path, () => payload);
    case "date":
      return replaceAt(valid, choose(strings, choose(leaves, root)).path, () => payload);
    case "long":
      return replaceAt(valid, choose(strings, choose(leaves, root)).path, () => "x".repeat(50_000));
    case "deep":
      return replaceAt(valid, choose(leaves, root).path, () => JSON.parse(`${'{"a":'.repeat(40)}1${"}".repeat(40)}`));
    case "nul-key":
      return replaceAt(valid, choose(objects, root).path, (old) => ({
        ...(old && typeof old === "object" ? old : {}),
        [payload as string]: "v",
      }));
    default:
      return valid;
  }
}

/** The hostile value an attack puts in place (which one is the seed's choice). */
function payloadArb(attack: Attack): fc.Arbitrary<unknown> {
  switch (attack) {
    case "number":
      return fc.oneof(hostileNumber, fc.constantFrom("1", "99999999999"));
    case "wrong-type":
      return wrongType;
    case "date":
      return fc.constantFrom("+275760-09-13", "-271821-04-20", "0000-01-01", "99999999999", "1e300");
    case "nul-key":
      return fc.constantFrom("\u0000", "k\ud800", "\udc00");
    default:
      return fc.constant(null);
  }
}

/** The list endpoints' `filters` parameter: allow-listed fields (both spellings) with hostile values. */
const FILTER_FIELDS = [
  "status_id",
  "priority_id",
  "assigned_user_id",
  "inbox_id",
  "reference_number",
  "created_at",
  "last_message_at",
  "waiting_since",
  "subject",
  "tags",
  "custom_attributes.plan",
  "first_name",
  "email",
  "blocked",
  "priority",
  "status",
];
const FILTER_OPERATORS = [
  "=",
  "!=",
  "contains",
  "not contains",
  "set",
  "not set",
  "between",
  "greater than",
  "less than",
  "in",
  "not in",
  "equals",
];
const filterValue = fc.oneof(
  hostileNumber,
  fc.constantFrom(
    "99999999999",
    "+275760-09-13",
    "-271821-04-20",
    "2024-01-01",
    "0000-01-01",
    "9999-12-31T23:59:59-05:00",
    "1",
    "\u0000",
    "\ud800",
    "true",
  ),
  fc.constantFrom(
    [1, 1e300],
    [-1e300, 1e300],
    [1, 99_999_999_999],
    ["0001-01-01", "+275760-09-13"],
    ["2024-01-01", "2024-12-31"],
    [1.5, 2],
    ["\u0000"],
    [],
    [[[[1]]]],
  ),
  hostileString,
);
const filtersArb = fc
  .array(
    fc.record(
      {
        model: fc.constantFrom("conversation", "contact", "users", "\u0000"),
        field: fc.constantFrom(...FILTER_FIELDS),
        operator: fc.constantFrom(...FILTER_OPERATORS),
        value: filterValue,
      },
      { requiredKeys: ["field", "operator", "value"] },
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((list) => JSON.stringify(list));

const asQueryValue = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));

/** A query string: valid values for the route's declared parameters, one of them hostile when `hostile`. */
function queryArb(schema: ZodType | undefined, hostile: boolean): fc.Arbitrary<Record<string, string>> {
  const props = Object.entries(((schema ? jsonSchemaOf(schema) : {}).properties ?? {}) as Record<string, Json>);
  if (props.length === 0) return hostile ? hostileString.map((q) => ({ q })) : fc.constant({});
  const bad = (name: string) => (name === "filters" ? filtersArb : fc.oneof(hostileString, hostileNumber.map(String)));
  return fc
    .integer({ min: 0, max: props.length - 1 })
    .chain((badIndex) =>
      fc
        .record(
          Object.fromEntries(
            props.map(([name, p], i) => [
              name,
              hostile && (i === badIndex || name === "filters")
                ? bad(name)
                : fc.option(validArb(p, name).map(asQueryValue), { nil: undefined, freq: 2 }),
            ]),
          ),
          { requiredKeys: [] },
        )
        .map(defined),
    );
}

const defined = (r: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>;

/** Path parameters as sent (already percent-encoded where it matters). */
const HOSTILE_PARAMS = [
  "0",
  "-1",
  "99999999999",
  "2147483648",
  "1.5",
  "1e300",
  "%00",
  "a%00b",
  "%ED%A0%80",
  "%C0%80",
  "abc",
  "x".repeat(300),
  "00000000-0000-0000-0000-00000000000%00",
];
const RAW_BODIES = [
  `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`,
  `${"[".repeat(5000)}${"]".repeat(5000)}`,
  '{"a":',
  '{"a":"\u0000"}',
  "\u0000",
  '{"n":1e99999}',
  '{"s":"\\ud800"}',
  "[]",
  "null",
  '"str"',
];

type Body =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "raw"; text: string }
  | { kind: "form"; fields: Record<string, string>; fileName: string };

function bodyArb(method: string, schemas: Schemas, attack: Attack): fc.Arbitrary<Body> {
  if (method === "GET") return fc.constant({ kind: "none" });
  if (schemas.form) {
    // Upload forms: a small CSV file, with a hostile file name or form field when the case attacks text.
    const props = Object.keys((jsonSchemaOf(schemas.form).properties ?? {}) as Json).filter(
      (p) => !["file", "files"].includes(p),
    );
    const text =
      attack === "valid"
        ? fc.constant("ok")
        : attack === "surrogate"
          ? fc.constant("a\ud800")
          : fc.constant("a\u0000b");
    return fc
      .record({
        field: fc.constantFrom(...props, "inline"),
        value: fc.oneof(text, fc.uuid({ version: 4 })),
        nameIsHostile: fc.boolean(),
      })
      .chain(({ field, value, nameIsHostile }) =>
        text.map(
          (t): Body => ({ kind: "form", fields: { [field]: value }, fileName: nameIsHostile ? `${t}.csv` : "ok.csv" }),
        ),
      );
  }
  if (attack === "raw") return fc.constantFrom(...RAW_BODIES).map((text): Body => ({ kind: "raw", text }));
  const schema = schemas.json
    ? jsonSchemaOf(schemas.json)
    : { type: "object", properties: { name: { type: "string" }, id: { type: "integer" } } };
  const bodyAttack = attack === "query" || attack === "path" ? "valid" : attack;
  return fc
    .tuple(validArb(schema), fc.nat(), payloadArb(bodyAttack))
    .map(([valid, pick, payload]): Body => ({ kind: "json", value: mutate(valid, bodyAttack, pick, payload) }));
}

type Case = {
  attack: Attack;
  caller: Caller;
  hostileParams: Record<string, string>;
  query: Record<string, string>;
  body: Body;
};

function casesFor(index: number, method: string, path: string, schemas: Schemas): Case[] {
  const params = [...path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);
  return ATTACKS.map((attack, i) => {
    const hostileParams =
      attack === "path" && params.length
        ? fc
            .record({ name: fc.constantFrom(...params), value: fc.constantFrom(...HOSTILE_PARAMS) })
            .map(({ name, value }) => ({ [name]: value }))
        : fc.constant({} as Record<string, string>);
    const arb = fc.record({
      hostileParams,
      query: queryArb(schemas.query, attack === "query" || (attack === "path" && !params.length)),
      body: bodyArb(method, schemas, attack),
    });
    const [sample] = fc.sample(arb, { seed: BASE_SEED + index * CASES_PER_ROUTE + i, numRuns: 1 });
    return { ...sample!, attack, caller: CALLER_OF_CASE[i]! };
  });
}

// ---------------------------------------------------------------------------------------------------
// The workspace the fuzz runs in: one of every resource, and victims for the destructive routes, so that
// deleting or demoting them never takes the callers' own access away.

let t: TestApp;
let a: TestTenant;
let agent: Client;
let visitor: Client;
let livechatUuid: string;
let ids: Record<string, string | number> = {};
let writeCounts: () => Promise<Record<string, number>>;
const dataExceptions: string[] = [];

beforeAll(async () => {
  t = await bootTestApp();
  a = await createTenant(t);
  const member = await createAgent(t, a, {
    permissions: [
      "conversations:read",
      "conversations:write",
      "messages:write",
      "contacts:read",
      "contact_notes:write",
    ],
  });
  agent = member.client;
  const victim = await createAgent(t, a, { permissions: ["conversations:read"] });
  const created = async (path: string, body: unknown) => {
    const res = await a.admin.post(path, body);
    if (res.status !== 201) throw new Error(`setup ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.id as number;
  };
  const conversation = await createConversation(t, a, { subject: "Fuzzed" });
  const note = await a.admin.post(`/api/v1/conversations/${conversation.uuid}/messages`, {
    message: "note",
    private: true,
  });
  const contact = await created("/api/v1/contacts/quick", { first_name: "Fuzz", email: "fuzz@example.com" });
  const form = new FormData();
  form.append("file", new File(["hello"], "hello.txt", { type: "text/plain" }));
  const media = await a.admin.request("POST", "/api/v1/media", form);
  const [chat] = await t.database.db
    .insert(inboxes)
    .values({
      tenantId: a.id,
      name: "Chat",
      channel: "livechat",
      enabled: true,
      config: normalizeLivechatConfig({ allowed_domains: ["shop.example.com"] }),
    })
    .returning();
  const [guest] = await t.database.db
    .insert(users)
    .values({ tenantId: a.id, type: "visitor", firstName: "Visitor" })
    .returning();
  const session = await createWidgetSession(t.database.db, {
    tenantId: a.id,
    inboxId: chat!.id,
    contactId: guest!.id,
    now: t.clock.now(),
  });
  visitor = new Client(t, a.host, { bearer: session.token });
  livechatUuid = chat!.uuid;
  const device = await issueApiKey(t.database.db, {
    tenantId: a.id,
    userId: victim.id,
    kind: "device",
    name: "Phone",
    now: t.clock.now(),
  });
  const [notification] = await createNotifications(t.database.db, {
    tenantId: a.id,
    userIds: [a.adminId],
    type: "mention",
    title: "Hi",
  });
  const oidc = await a.admin.post("/api/v1/oidc", {
    name: "SSO",
    provider_url: "https://sso.example.com",
    client_id: "c",
    client_secret: "s",
  });
  ids = {
    conversation: conversation.uuid,
    ref: conversation.referenceNumber,
    message: note.body.data.uuid,
    contact,
    note: await created(`/api/v1/contacts/${contact}/notes`, { note: "n" }),
    status: await created("/api/v1/statuses", { name: "Victim status" }),
    tag: await created("/api/v1/tags", { name: "victim-tag" }),
    team: await created("/api/v1/teams", { name: "Victim team", members: [victim.id] }),
    role: await created("/api/v1/roles", { name: "Victim role", permissions: ["conversations:read"] }),
    agent: victim.id,
    macro: await created("/api/v1/macros", { name: "Macro", message_content: "Hello" }),
    customAttribute: await created("/api/v1/custom-attributes", {
      applies_to: "conversation",
      name: "Plan",
      key: "plan",
      type: "text",
    }),
    personalView: await created("/api/v1/views/me", { name: "Mine", filters: [] }),
    sharedView: await created("/api/v1/shared-views", { name: "Shared", filters: [] }),
    ragSource: await created("/api/v1/rag/sources", {
      name: "Source",
      source_type: "custom",
      config: { snippets: ["Snippet"] },
    }),
    inbox: await created("/api/v1/inboxes", {
      name: "Victim inbox",
      channel: "email",
      from: "support@example.com",
      config: { smtp: [{ host: "smtp.example.com", username: "u", password: "p" }] },
    }),
    media: media.body.data.uuid,
    device: device.id,
    notification: notification!.id,
    oidc: oidc.status === 201 ? oidc.body.data.id : 1,
  };
  // Every row written to a workspace table counts in fuzz_writes, inside the writing transaction: a refused
  // request that rolled back leaves no count, one that committed part of its work does (updates included).
  const tables = rowsOf<{ table_name: string }>(
    await t.database.db.execute(
      sql`SELECT DISTINCT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' AND table_schema = current_schema() ORDER BY table_name`,
    ),
  ).map((r) => r.table_name);
  await t.database.db.execute(sql`CREATE TABLE fuzz_writes (name text PRIMARY KEY, n bigint NOT NULL)`);
  await t.database.db.execute(
    sql.raw(`CREATE FUNCTION fuzz_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - TG_ARGV) = (to_jsonb(OLD) - TG_ARGV) THEN
          RETURN NULL; -- nothing changed but the columns this table's trigger was told to ignore
        END IF;
        INSERT INTO fuzz_writes VALUES (TG_TABLE_NAME, 1) ON CONFLICT (name) DO UPDATE SET n = fuzz_writes.n + 1;
        RETURN NULL;
      END $$`),
  );
  for (const name of ["tenants", ...tables]) {
    const ignored = (TOUCHED_ON_REFUSAL[name] ?? []).map((column) => `'${column}'`).join(", ");
    await t.database.db.execute(
      sql.raw(
        `CREATE TRIGGER fuzz_count AFTER INSERT OR UPDATE OR DELETE ON "${name}" FOR EACH ROW EXECUTE FUNCTION fuzz_count_write(${ignored})`,
      ),
    );
  }
  writeCounts = async () => {
    const rows = rowsOf<{ name: string; n: string | number }>(
      await t.database.db.execute(sql`SELECT name, n FROM fuzz_writes`),
    );
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
  };
  // The error mapper's warning when the database refuses a value: input that escaped every check.
  const warn = console.warn.bind(console);
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    const line = args.map(String).join(" ");
    if (line.includes("the database refused a value")) dataExceptions.push(line);
    else warn(...args);
  });
}, 120_000);
/** How the generated requests were answered, printed at the end: a suite answered only 400s would go no deeper. */
const statuses: Record<number, number> = {};
afterAll(async () => {
  console.log(
    `fuzz: ${routes.length} routes × ${CASES_PER_ROUTE} cases, answers by status: ${JSON.stringify(statuses)}`,
  );
  vi.restoreAllMocks();
  await t?.close();
});

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

/** Which resource a path parameter names, by the path it is in. */
function realParam(path: string, name: string): string | number {
  const owner: [RegExp, string][] = [
    [/^\/api\/v1\/conversations\/by-ref\//, "ref"],
    [/^\/api\/v1\/(widget\/chat\/)?conversations\/:uuid/, "conversation"],
    [/^\/api\/v1\/views\/:id\/conversations/, "sharedView"],
    [/^\/api\/v1\/statuses\//, "status"],
    [/^\/api\/v1\/tags\//, "tag"],
    [/^\/api\/v1\/agents\//, "agent"],
    [/^\/api\/v1\/teams\//, "team"],
    [/^\/api\/v1\/roles\//, "role"],
    [/^\/api\/v1\/oidc\//, "oidc"],
    [/^\/api\/v1\/auth\/devices\//, "device"],
    [/^\/api\/v1\/custom-attributes\//, "customAttribute"],
    [/^\/api\/v1\/macros\//, "macro"],
    [/^\/api\/v1\/views\/me\//, "personalView"],
    [/^\/api\/v1\/shared-views\//, "sharedView"],
    [/^\/api\/v1\/contacts\//, "contact"],
    [/^\/api\/v1\/notifications\//, "notification"],
    [/^\/api\/v1\/(inboxes|settings\/ai\/inbox)\//, "inbox"],
    [/^\/uploads\//, "media"],
    [/^\/api\/v1\/rag\/sources\//, "ragSource"],
  ];
  const second: Record<string, string> = { user_id: "agent", note_id: "note", message_uuid: "message", ref: "ref" };
  if (second[name]) return ids[second[name]!]!;
  if (name === "id" && /^\/api\/v1\/conversations\/:uuid\/macros/.test(path)) return ids.macro!;
  const found = owner.find(([re]) => re.test(path));
  return found ? ids[found[1]]! : 1;
}

async function send(key: string, method: string, path: string, c: Case): Promise<Reply> {
  const concrete = path.replace(
    /:([a-z_]+)/g,
    (_, name: string) => c.hostileParams[name] ?? encodeURIComponent(String(realParam(path, name))),
  );
  const widgetRoute = path.startsWith("/api/v1/widget/");
  const query = new URLSearchParams(c.query);
  if (widgetRoute) query.set("inbox_id", livechatUuid);
  const search = query.size ? `?${query}` : "";
  const headers: Record<string, string> = { [TEST_IP_HEADER]: "198.51.100.20" };
  if (widgetRoute) headers.origin = "https://shop.example.com";
  // On the widget's routes the signed-in caller is the page's visitor; an agent's key means nothing there.
  const client = widgetRoute
    ? c.caller === "admin"
      ? visitor
      : a.anonymous
    : c.caller === "anonymous"
      ? a.anonymous
      : c.caller === "agent"
        ? agent
        : a.admin;
  let body: unknown;
  if (c.body.kind === "json") body = JSON.stringify(c.body.value) ?? "null";
  else if (c.body.kind === "raw") body = c.body.text;
  else if (c.body.kind === "form") {
    const form = new FormData();
    for (const [name, value] of Object.entries(c.body.fields)) form.append(name, value);
    form.append(
      key.includes("widget") ? "files" : "file",
      new File(["a,b\n1,2\n"], c.body.fileName, { type: "text/csv" }),
    );
    body = form;
  }
  return client.request(method, concrete + search, body, headers);
}

function problemsOf(key: string, res: Reply): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (res.status >= 400) {
    const data = res.body?.data;
    if (!data || typeof data.message !== "string" || !ERROR_TYPES.includes(data.type))
      problems.push(`not the error envelope: ${JSON.stringify(res.body).slice(0, 200)}`);
  } else if (
    res.status < 300 &&
    !NON_JSON_SUCCESS.test(key) &&
    (typeof res.body !== "object" || res.body === null || !("data" in res.body))
  ) {
    problems.push(`success without the envelope: ${String(res.body).slice(0, 100)}`);
  }
  return problems;
}

const describeCase = (c: Case) =>
  JSON.stringify({
    attack: c.attack,
    caller: c.caller,
    params: c.hostileParams,
    query: c.query,
    body: c.body.kind === "json" ? c.body.value : c.body.kind === "raw" ? c.body.text.slice(0, 80) : c.body,
  }).slice(0, 400);

const schemas = routeSchemas();
const routes = Object.values(FAMILY_ROUTES).flatMap((list) =>
  (list as ReadonlyArray<readonly [string, string]>).map(([method, path]) => ({ method, path })),
);

describe(`${routes.length} routes × ${CASES_PER_ROUTE} generated hostile requests`, () => {
  routes.forEach(({ method, path }, index) => {
    const key = `${method} ${path}`;
    it(`${key}: no 5xx, the envelope on every error, no partial write`, async () => {
      const failures: string[] = [];
      await t.queue.drain();
      let writes = await writeCounts();
      for (const c of casesFor(index, method, path, schemas.get(key) ?? {})) {
        const warned = dataExceptions.length;
        const res = await send(key, method, path, c);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const problems = problemsOf(key, res);
        if (dataExceptions.length > warned)
          problems.push(`a value reached the database unchecked: ${dataExceptions.at(-1)}`);
        // Background work the request queued (only a successful one may queue any) runs before counting.
        await t.queue.drain();
        const after = await writeCounts();
        const written = Object.keys(after).filter((name) => after[name] !== (writes[name] ?? 0));
        if (res.status >= 400 && written.length)
          problems.push(`refused (${res.status}) but wrote to ${written.join(", ")}`);
        writes = after;
        if (problems.length)
          failures.push(
            `${problems.join("; ")} ← ${describeCase(c)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
      }
      expect(failures).toEqual([]);
    });
  });
});
