import type { MessageView } from "../message/view.ts";
import { previewOf } from "../html/sanitize.ts";
import { frameText } from "./frames.ts";
import type { Handshake } from "./identify.ts";

/**
 * The two wire dialects an agent WebSocket speaks; client frames are the same in both, and so are the
 * tenant, permission and visibility checks of every push. What differs is what the server sends:
 *
 * - `helperiq` (the contract): `conversation_update` / `message_update` carrying the changed fields, and
 *   `new_message` as the full message view; messages pushed to the conversation's subscribers and the
 *   agents it concerns (assignee, team members, followers, mentioned), conversation changes to every agent
 *   who can see it (so every list, not only the agent's own, stays live).
 * - `libredesk` (LibreDesk's agent UIs): one `conversation_prop_update {uuid, prop, value}` /
 *   `message_prop_update {conversation_uuid, uuid, prop, value}` per changed field (its 1.x/2.x UIs) and
 *   the same `conversation_update` / `message_update` as HelperIQ's (its later UI; each UI ignores the
 *   frames it does not know), and `new_message` as a list preview; pushed for every conversation the agent
 *   can see, subscribed or not, because those UIs do not subscribe to keep their lists live.
 */
export const DIALECTS = ["helperiq", "libredesk"] as const;
export type Dialect = (typeof DIALECTS)[number];

const isDialect = (value: string): value is Dialect => (DIALECTS as readonly string[]).includes(value);

/**
 * A connection's dialect, fixed at the handshake: `?dialect=` when given; otherwise a browser signed in
 * with the session cookie speaks LibreDesk's, since that is how LibreDesk's UI opens `/ws` (a relative
 * `new WebSocket('/ws')` from its own page; browsers always send `Origin` on a WebSocket handshake), and
 * every other client (API keys, scripts, servers) the contract's.
 */
export function handshakeDialect(h: Handshake): Dialect | { error: string } {
  const asked = h.query.dialect;
  if (asked !== undefined)
    return isDialect(asked) ? asked : { error: `dialect: must be one of ${DIALECTS.join(", ")}` };
  return h.headers.authorization === undefined && h.headers.origin !== undefined ? "libredesk" : "helperiq";
}

/** HelperIQ's changed-field names that LibreDesk's conversation objects spell differently. */
const PROP_NAMES: Record<string, string> = { last_message_sender_type: "last_message_sender" };

/**
 * Changed fields whose value patches part of a nested object (a conversation's `contact`): LibreDesk's UI
 * would replace the whole object with a prop's value, so each member travels as its own dotted prop.
 */
const NESTED_PATCHES = new Set(["contact"]);

type Prop = { prop: string; value: unknown };

function props(changes: Record<string, unknown>): Prop[] {
  const out: Prop[] = [];
  for (const [key, value] of Object.entries(changes)) {
    const prop = PROP_NAMES[key] ?? key;
    if (NESTED_PATCHES.has(key) && typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [member, v] of Object.entries(value)) out.push({ prop: `${prop}.${member}`, value: v });
    } else out.push({ prop, value });
  }
  return out;
}

/** A conversation change as LibreDesk's frames: one per changed field, in the order they were listed. */
export const conversationPropFrames = (uuid: string, changes: Record<string, unknown>): string[] =>
  props(changes).map(({ prop, value }) => frameText("conversation_prop_update", { uuid, prop, value }));

/** A message change as LibreDesk's frames: one per changed field. */
export const messagePropFrames = (conversationUuid: string, uuid: string, changes: Record<string, unknown>): string[] =>
  props(changes).map(({ prop, value }) =>
    frameText("message_prop_update", { conversation_uuid: conversationUuid, uuid, prop, value }),
  );

/**
 * LibreDesk's `new_message`: what its lists need to move the conversation up and preview the message (the
 * text preview, like the conversation's `last_message`, as `content` for its 1.x/2.x UIs and `preview` for
 * later ones); its UI then reads the message itself over REST.
 */
export function libredeskNewMessage(view: MessageView) {
  const preview = previewOf(view.text_content);
  return {
    conversation_uuid: view.conversation_uuid,
    uuid: view.uuid,
    type: view.type,
    status: view.status,
    private: view.private,
    sender_type: view.sender_type,
    created_at: view.created_at,
    content: preview,
    preview,
    attachments: view.attachments,
  };
}
