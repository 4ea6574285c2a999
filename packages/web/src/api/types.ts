import type { Data, Schema } from "./schema.ts";

/**
 * The shapes the web app reads from the API. Derive them from openapi.json's declared answers, never copy
 * them by hand, so a field the API does not answer fails `vue-tsc` (api/schema.ts, generated openapi.d.ts):
 *
 *   type Conversation = Data<"GET", "/api/v1/conversations/:uuid">;      // a route's `data`
 *   type Message = Schema<"Message">;                                    // a named schema
 *   type Tag = Data<"GET", "/api/v1/tags">[number];                      // an element of a list answer
 *   Body<"POST", "/api/v1/tags">, Query<"GET", "/api/v1/conversations/all">, Answer<…> (no envelope)
 *
 * Routes are spelt as in endpoints.ts (method in capitals, `:param` paths). `call(ENDPOINTS.x, …)` is typed by
 * its route (params, query, body, answer): write `call(ENDPOINTS.tags)`, not `call<Tag[]>(…)`; an explicit
 * `call<T>` still compiles only when the declared answer is assignable to T. After changing a route:
 * `npm run openapi` (regenerates openapi.json and openapi.d.ts).
 */
export type * from "./schema.ts";

export type Page<T> = { results: T[]; total: number; total_pages: number; page: number; page_size: number };

export type SsoProvider = Schema<"SsoProvider">;

export type AppConfig = Data<"GET", "/api/v1/config">;

export type SignedIn = Data<"POST", "/api/v1/auth/login">;

export type Me = Data<"GET", "/api/v1/agents/me">;

export type Team = Data<"GET", "/api/v1/agents/me/teams">[number];
export type View = Data<"GET", "/api/v1/views/me">[number];
export type AgentSummary = Data<"GET", "/api/v1/agents/compact">[number];
export type Status = Data<"GET", "/api/v1/statuses">[number];
export type Priority = Data<"GET", "/api/v1/priorities">[number];

export type ConversationContact = ConversationRow["contact"];

/** A row of the conversation lists. */
export type ConversationRow = Data<"GET", "/api/v1/conversations/all">["results"][number];

/** A conversation opened: the list row's fields and more (inbox address, contact's other conversations, attributes). */
export type Conversation = Data<"GET", "/api/v1/conversations/:uuid">;

export type MessageType = Message["type"];
export type MessageStatus = Message["status"];

/** `meta` holds recipients, delivery details (`delivery.last_error`), the PCI flag (`pci_detected`); see api/thread.ts. */
export type Message = Data<"GET", "/api/v1/conversations/:uuid/messages/:message_uuid">;

/** A file of a message; `url` is signed (same origin, `/uploads/…`), so it loads without credentials. */
export type Attachment = Message["attachments"][number];
