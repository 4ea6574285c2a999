/**
 * Replays one catalogue entry the way the agent UI sends it, and checks an answer against what the UI reads.
 */
import type { Client, Reply } from "../support/app.ts";
import type { CompatCall, FormFile, Json } from "./catalogue-types.ts";

type Values = (name: string) => Promise<unknown>;

const WHOLE = /^\{([a-z_]+)\}$/;
const INSIDE = /\{([a-z_]+)\}/g;

/** A string with its placeholders filled: a whole-string placeholder keeps its value's type. */
async function fill(text: string, values: Values): Promise<unknown> {
  const whole = WHOLE.exec(text);
  if (whole) return values(whole[1]!);
  let out = text;
  for (const [match, name] of text.matchAll(INSIDE)) out = out.replace(match, String(await values(name!)));
  return out;
}

async function fillJson(body: Json, values: Values): Promise<unknown> {
  if (typeof body === "string") return fill(body, values);
  if (Array.isArray(body)) return Promise.all(body.map((b) => fillJson(b, values)));
  if (body && typeof body === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) out[String(await fill(k, values))] = await fillJson(v, values);
    return out;
  }
  return body;
}

const isFile = (v: string | FormFile): v is FormFile => typeof v === "object";

/** The request as the UI makes it: path and query filled, JSON or multipart body, the session's cookie + CSRF. */
export async function replay(call: CompatCall, session: Client, anonymous: Client, values: Values): Promise<Reply> {
  const client = call.auth === "none" ? anonymous : session;
  let path = String(await fill(call.path, values));
  if (call.query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(call.query)) params.append(k, String(await fill(v, values)));
    path += `?${params}`;
  }
  if (call.form) {
    const form = new FormData();
    for (const [k, v] of Object.entries(call.form)) {
      if (isFile(v))
        form.append(k, new File([v.base64 ? Buffer.from(v.content, "base64") : v.content], v.file, { type: v.type }));
      else form.append(k, String(await fill(v, values)));
    }
    return client.request(call.method, path, form);
  }
  if (call.body !== undefined)
    return client.request(call.method, path, JSON.stringify(await fillJson(call.body, values)));
  // axios sends PUT/POST without data as JSON with no body; GET and DELETE carry none.
  return client.request(
    call.method,
    path,
    undefined,
    call.method === "PUT" || call.method === "POST" ? { "content-type": "application/json" } : {},
  );
}

type Step = { key: string } | { every: true };

/** `data.results[].contact["first.name"]:string` → steps and the expected type. */
export function parseRead(read: string): { steps: Step[]; type?: string } {
  const typed = /^(.*?)(?::(string|number|boolean|array|object))?$/.exec(read)!;
  const steps: Step[] = [];
  const re = /\["([^"]+)"\]|\[\]|([^.[\]]+)/g;
  for (const m of typed[1]!.matchAll(re)) {
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[0] === "[]") steps.push({ every: true });
    else steps.push({ key: m[2]! });
  }
  return { steps, type: typed[2] };
}

const typeOf = (v: unknown) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);

/** Every problem with `read` in `body`, as short sentences (none: the UI finds what it reads). */
export function checkRead(body: unknown, read: string): string[] {
  const { steps, type } = parseRead(read);
  const problems: string[] = [];
  const walk = (value: unknown, i: number, at: string) => {
    if (i === steps.length) {
      if (value === undefined) problems.push(`${at} is missing`);
      else if (type && typeOf(value) !== type) problems.push(`${at} is ${typeOf(value)}, not ${type}`);
      return;
    }
    const step = steps[i]!;
    if ("every" in step) {
      if (!Array.isArray(value)) return void problems.push(`${at || "body"} is ${typeOf(value)}, not an array`);
      if (value.length === 0) return void problems.push(`${at || "body"} is an empty array (nothing to read)`);
      for (const [n, v] of value.entries()) walk(v, i + 1, `${at}[${n}]`);
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return void problems.push(`${at || "body"} is ${typeOf(value)}, cannot read ${step.key}`);
    }
    walk((value as Record<string, unknown>)[step.key], i + 1, at ? `${at}.${step.key}` : step.key);
  };
  walk(body, 0, "");
  return [...new Set(problems)].slice(0, 3);
}

/** The value at a read path without `[]` steps (undefined when any step is missing). */
export function valueAt(body: unknown, read: string): unknown {
  let value: unknown = body;
  for (const step of parseRead(read).steps) {
    if (!("key" in step) || value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[step.key];
  }
  return value;
}

/** Problems with the call's read-back: each path must equal what the UI wrote (placeholders filled). */
export async function checkEffect(call: CompatCall, session: Client, values: Values): Promise<string[]> {
  if (!call.effect) return [];
  const res = await session.get(String(await fill(call.effect.path, values)));
  if (res.status !== 200) return [`read-back ${call.effect.path} answered ${describeReply(res)}`];
  const problems: string[] = [];
  for (const [read, expected] of Object.entries(call.effect.equals)) {
    const want = await fillJson(expected, values);
    const got = valueAt(res.body, String(await fill(read, values)));
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`after the call ${read} is ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);
  }
  return problems;
}

/** A one-line account of an answer, for failure messages and the pending notes. */
export function describeReply(res: Reply): string {
  const body = res.body as { data?: { message?: unknown } } | string | null;
  const message =
    body && typeof body === "object" && body.data && typeof body.data === "object" ? body.data.message : undefined;
  return typeof message === "string" ? `${res.status} ${message}` : String(res.status);
}
