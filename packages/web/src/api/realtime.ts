import type { ConversationRow, Message, MessageStatus } from "./types.ts";

/**
 * The agent WebSocket (`GET /ws`) as HelperIQ's own app speaks it. The server fixes a connection's dialect
 * at the handshake and gives a cookie-signed browser LibreDesk's unless asked otherwise, so the app always
 * asks for HelperIQ's (`conversation_update` / `message_update` with the changed fields, `new_message` as the
 * full message). Authentication is the session cookie: same origin, so the browser sends it and its Origin,
 * which the server requires to be this host.
 */
export const REALTIME_PATH = "/ws?dialect=helperiq";

/** The socket's URL on this origin (ws: or wss: as the page is served). */
export function realtimeUrl(location: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${REALTIME_PATH}`;
}

export type Viewer = { user_id: number; first_name: string };

/** Who types: an agent (by id) or the conversation's contact (the widget visitor). */
export type TypingSender = { type: "agent"; user_id: number } | { type: "contact" };

/** Server → app frames of the HelperIQ dialect, by type (`data` of `{type, data}`). */
export type ServerFrames = {
  conversation_subscribed: { conversation_uuid: string };
  /** The whole message, as `GET …/messages/{uuid}` answers it. */
  new_message: Message;
  /** A message's changed fields; `deleted: true` when it is gone (a deleted note, an erased contact's message). */
  message_update: {
    uuid: string;
    conversation_uuid: string;
    status?: MessageStatus;
    updated_at: string;
    deleted?: boolean;
  } & Partial<Message>;
  /** A new conversation as a list row. */
  new_conversation: ConversationRow;
  /**
   * A conversation's changed fields only (status by name, assignee ids, priority, last message…); a
   * `contact` member patches part of the contact; `deleted: true` when it is gone.
   */
  conversation_update: { uuid: string; deleted?: boolean; contact?: Partial<ConversationRow["contact"]> } & Partial<
    Omit<ConversationRow, "contact">
  >;
  new_notification: Record<string, unknown>;
  typing: { conversation_uuid: string; is_typing: boolean; is_private_message: boolean; sender: TypingSender };
  presence_update: { conversation_uuid: string; viewers: Viewer[] };
  /** A refused client frame (the connection stays open): `conversation not found`, `invalid message format`… */
  error: string;
};

export type ServerFrameType = keyof ServerFrames;

/** App → server frames (besides the literal `ping`). */
export type ClientFrame =
  | { type: "conversation_subscribe"; data: { conversation_uuid: string } }
  | { type: "typing"; data: { conversation_uuid: string; is_typing: boolean; is_private_message: boolean } }
  /** An empty uuid: viewing nothing. */
  | { type: "view_conversation"; data: { conversation_uuid: string } };
