/**
 * Types of the client-call catalogue (tests/compat/catalogue.ts): one entry per HTTP call a real LibreDesk or
 * HelperIQ agent UI makes, written the way that UI builds it, with the response fields it then reads.
 *
 * Placeholders: `{name}` in a path, in a query value or as a whole JSON/form string value stands for a value
 * the suite's seed provides (tests/compat/seed.ts). A whole-string placeholder keeps the seed value's type
 * (`"{team_id}"` becomes the number 7), one inside a longer string is spliced in as text.
 */

/** Which client's source the call was read from. */
export type Client =
  /** abhinavxd/libredesk, main: the upstream agent UI. */
  | "upstream"
  /** mageaustralia/libredesk, v1.0.3-plus-enhancements: the HelperIQ agent UI with AI, RAG and ecommerce. */
  | "fork-1.0"
  /** mageaustralia/libredesk, v2.1.1-plus-enhancements: the same fork rebased on LibreDesk 2.x. */
  | "fork-2.1"
  /** HelperIQ's own documented examples (README / API contract), which must keep working beside the UI's form. */
  | "hq-docs";

/** HelperIQ feature area the call belongs to (the grouping of docs/compat.md). */
export type Area =
  | "App start and session"
  | "Settings"
  | "Conversations"
  | "Messages"
  | "Search"
  | "Contacts"
  | "Agents"
  | "Teams"
  | "Roles"
  | "Statuses, priorities and tags"
  | "Custom attributes"
  | "Inboxes"
  | "Macros"
  | "Views"
  | "Media"
  | "AI"
  | "Knowledge base (RAG)"
  | "Ecommerce"
  | "Notifications"
  | "Single sign-on"
  | "Not built yet";

/** Who is expected to make a pending call work (the engineers on issue 12, or nobody yet). */
export type Owner =
  | "A: list queries, lang, settings keys, shapes"
  | "B: WebSocket"
  | "C: missing routes"
  | "unassigned";

export type Status =
  /** HelperIQ answers 2xx with every field in `reads`. */
  | { kind: "supported" }
  /**
   * Should be supported but is not yet: the suite skips the full check visibly (and still demands no 5xx).
   * `observed` is what HelperIQ answered when the entry was last marked.
   */
  | { kind: "pending"; owner: Owner; observed: string }
  /** HelperIQ deliberately answers otherwise; `expect` is what it answers instead, `why` says why. */
  | { kind: "difference"; why: string; expect: { status: number; type?: string } }
  /** A LibreDesk feature family HelperIQ does not have yet: a clean 404, or an empty list for a list read. */
  | { kind: "not-built"; family: string };

/** A file part; `content` is text, or base64 of binary bytes (an image) when `base64` is set. */
export type FormFile = { file: string; type: string; content: string; base64?: true };
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type CompatCall = {
  /** The UI's API function (or component) that makes the call; a suffix tells variants apart. */
  name: string;
  clients: Client[];
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path with `{placeholder}`s. */
  path: string;
  /** Query parameters exactly as the UI's HTTP client serialises them (JSON strings stay strings). */
  query?: Record<string, string>;
  /** A JSON body as the UI builds it. */
  body?: Json;
  /** A multipart body as the UI builds it (axios turns the object into form fields). */
  form?: Record<string, string | FormFile>;
  /** `none`: the call is made before login (config, language pack, login itself, password reset). */
  auth?: "session" | "none";
  /**
   * Response fields the UI reads, as paths into the parsed body: `data.results[].uuid` (every element of a
   * non-empty array), `data["app.site_name"]` (a key with dots), optionally typed with `:string`, `:number`,
   * `:boolean`, `:array` or `:object`. Untyped: present (null allowed).
   */
  reads: string[];
  /** The success status when it is not a 2xx (a browser navigation answered with a redirect). */
  answers?: number;
  /**
   * A read-back after the call, in the session: GET `path` must show the change the UI made, so a write that
   * answers 200 and changes nothing fails. Keys are read paths (as in `reads`), values what they must equal.
   */
  effect?: { path: string; equals: Record<string, Json> };
  area: Area;
  status: Status;
  /** Why the call is shaped this way, or anything a reader of docs/compat.md needs. */
  note?: string;
};
