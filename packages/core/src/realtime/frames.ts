import type { Dialect } from "./dialect.ts";

/**
 * The WebSocket wire format: JSON text frames `{type, data}`, plus the literal texts `ping` and
 * `pong`. Client frames are parsed here once for every transport (embedded hub, API Gateway `$default`).
 */

export type ServerFrame = { type: string; data: unknown };

export const frameText = (type: string, data: unknown) => JSON.stringify({ type, data } satisfies ServerFrame);

/** The non-fatal error strings of the contract. */
export const WS_ERRORS = {
  invalidFormat: "invalid message format",
  unknownType: "unknown message type",
  uuidRequired: "conversation_uuid is required",
  notFound: "conversation not found",
} as const;

export const errorFrame = (message: string) => frameText("error", message);

export type ClientFrame =
  | { type: "ping" }
  | { type: "conversation_subscribe"; conversationUuid: string }
  | { type: "typing"; conversationUuid: string; isTyping: boolean; isPrivate: boolean }
  /** An empty uuid clears the connection's presence. */
  | { type: "view_conversation"; conversationUuid: string }
  /** LibreDesk's UI naming the conversations its list shows (LibreDesk dialect only). */
  | { type: "list_subscribe_replace"; uuids: string[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

/** One client frame of a connection in `dialect`, or the error string to answer it with (the connection stays open either way). */
export function parseClientFrame(text: string, dialect: Dialect): ClientFrame | { error: string } {
  if (text === "ping") return { type: "ping" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: WS_ERRORS.invalidFormat };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: WS_ERRORS.invalidFormat };
  const { type, data } = value as { type?: unknown; data?: unknown };
  if (typeof type !== "string") return { error: WS_ERRORS.invalidFormat };
  if (type === "list_subscribe_replace" && dialect === "libredesk") {
    const uuids = (data as { uuids?: unknown } | null | undefined)?.uuids;
    if (!Array.isArray(uuids) || !uuids.every((u) => typeof u === "string")) return { error: WS_ERRORS.invalidFormat };
    return { type, uuids };
  }
  if (type !== "conversation_subscribe" && type !== "typing" && type !== "view_conversation")
    return { error: WS_ERRORS.unknownType };
  const fields = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
  const uuid = fields.conversation_uuid;
  if (type === "view_conversation") {
    // Present but empty clears; absent or not a string is an error.
    if (typeof uuid !== "string") return { error: WS_ERRORS.uuidRequired };
    return { type, conversationUuid: uuid };
  }
  if (typeof uuid !== "string" || uuid === "") return { error: WS_ERRORS.uuidRequired };
  if (type === "conversation_subscribe") return { type, conversationUuid: uuid };
  if (fields.is_typing !== undefined && typeof fields.is_typing !== "boolean")
    return { error: WS_ERRORS.invalidFormat };
  if (fields.is_private_message !== undefined && typeof fields.is_private_message !== "boolean")
    return { error: WS_ERRORS.invalidFormat };
  return {
    type,
    conversationUuid: uuid,
    isTyping: fields.is_typing !== false,
    isPrivate: fields.is_private_message === true,
  };
}
