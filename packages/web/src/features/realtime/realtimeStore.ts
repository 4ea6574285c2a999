import { defineStore } from "pinia";
import { ref } from "vue";
import { api } from "../../api/index.ts";
import {
  type ClientFrame,
  realtimeUrl,
  type ServerFrames,
  type ServerFrameType,
  type Viewer,
} from "../../api/realtime.ts";
import { RealtimeSocket, type SocketState } from "./socket.ts";

/** Someone typing in a conversation; gone after TYPING_TTL_MS without news (a sender repeats itself while typing). */
export type Typist = { key: string; userId: number | null; isPrivate: boolean; until: number };
export const TYPING_TTL_MS = 8_000;

type Handler<T extends ServerFrameType> = (data: ServerFrames[T]) => void;

/**
 * The signed-in session's one agent WebSocket and what it tells: screens register handlers for the frame
 * types they care about (`on`), and for catching up after a loss (`onReconnect`). What this connection has
 * announced — the subscribed conversation and the one being viewed — is kept here and announced again on
 * every (re)connection, since the server forgets both with the socket. Presence and typing of every
 * conversation are kept here too, as the server pushes them.
 */
export const useRealtimeStore = defineStore("realtime", () => {
  const state = ref<SocketState>("idle");
  /** Conversation uuid → the agents viewing it (the server's full list, the signed-in agent included). */
  const viewers = ref<Record<string, Viewer[]>>({});
  /** Conversation uuid → who is typing in it now. */
  const typing = ref<Record<string, Typist[]>>({});

  const handlers = new Map<string, Set<(data: unknown) => void>>();
  const reconnectHandlers = new Set<() => void>();
  let subscribed: string | null = null;
  let viewing: string | null = null;
  let socket: RealtimeSocket | null = null;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  function on<T extends ServerFrameType>(type: T, handler: Handler<T>): () => void {
    let set = handlers.get(type);
    if (!set) handlers.set(type, (set = new Set()));
    const h = handler as (data: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /** Called after each reconnection (not the first connection): reload what may have changed meanwhile. */
  function onReconnect(handler: () => void): () => void {
    reconnectHandlers.add(handler);
    return () => reconnectHandlers.delete(handler);
  }

  function emit(type: string, data: unknown) {
    if (type === "presence_update") {
      const p = data as ServerFrames["presence_update"];
      viewers.value = { ...viewers.value, [p.conversation_uuid]: p.viewers };
    } else if (type === "typing") noteTyping(data as ServerFrames["typing"]);
    else if (type === "new_message") {
      // A message ends its author's typing.
      const m = data as ServerFrames["new_message"];
      const key = m.sender_type === "contact" ? "contact" : `agent:${m.sender_id}`;
      dropTypist(m.conversation_uuid, key);
    }
    for (const handler of handlers.get(type) ?? []) {
      try {
        handler(data);
      } catch (err) {
        console.error(err);
      }
    }
  }

  function noteTyping(t: ServerFrames["typing"]) {
    const key = t.sender.type === "contact" ? "contact" : `agent:${t.sender.user_id}`;
    if (!t.is_typing) return dropTypist(t.conversation_uuid, key);
    const typist: Typist = {
      key,
      userId: t.sender.type === "agent" ? t.sender.user_id : null,
      isPrivate: t.is_private_message,
      until: Date.now() + TYPING_TTL_MS,
    };
    const others = (typing.value[t.conversation_uuid] ?? []).filter((x) => x.key !== key);
    typing.value = { ...typing.value, [t.conversation_uuid]: [...others, typist] };
    scheduleTypingExpiry();
  }

  function dropTypist(uuid: string, key: string) {
    const list = typing.value[uuid];
    if (!list?.some((x) => x.key === key)) return;
    typing.value = { ...typing.value, [uuid]: list.filter((x) => x.key !== key) };
  }

  function scheduleTypingExpiry() {
    clearTimeout(typingTimer);
    const all = Object.values(typing.value).flat();
    if (all.length === 0) return;
    const next = Math.min(...all.map((x) => x.until));
    typingTimer = setTimeout(
      () => {
        const now = Date.now();
        const kept: Record<string, Typist[]> = {};
        for (const [uuid, list] of Object.entries(typing.value)) {
          const live = list.filter((x) => x.until > now);
          if (live.length) kept[uuid] = live;
        }
        typing.value = kept;
        scheduleTypingExpiry();
      },
      Math.max(0, next - Date.now()) + 50,
    );
  }

  const send = (frame: ClientFrame) => socket?.send(frame) ?? false;

  function opened(again: boolean) {
    if (subscribed) send({ type: "conversation_subscribe", data: { conversation_uuid: subscribed } });
    if (viewing) send({ type: "view_conversation", data: { conversation_uuid: viewing } });
    if (!again) return;
    for (const handler of reconnectHandlers) {
      try {
        handler();
      } catch (err) {
        console.error(err);
      }
    }
  }

  function setState(next: SocketState) {
    state.value = next;
    // Presence and typing arrived over the lost connection: unknown until the server says again.
    if (next !== "open") {
      viewers.value = {};
      typing.value = {};
      clearTimeout(typingTimer);
    }
  }

  /** Opens the session's connection (once; again after `stop`). */
  function start() {
    if (socket) return;
    socket = new RealtimeSocket(realtimeUrl, {
      state: setState,
      frame: emit,
      opened,
      // A refused handshake says no why; a REST call does: a 401 there ends the session (and stops this).
      refused: () => void api.me().catch(() => undefined),
    });
    socket.start();
  }

  /** Closes the connection and forgets what it announced (signed out). */
  function stop() {
    socket?.stop();
    socket = null;
    subscribed = viewing = null;
    state.value = "idle";
    viewers.value = {};
    typing.value = {};
    clearTimeout(typingTimer);
  }

  /** The conversation whose messages and typing this connection gets (the server keeps one per connection). */
  function subscribe(uuid: string | null) {
    subscribed = uuid;
    if (uuid) send({ type: "conversation_subscribe", data: { conversation_uuid: uuid } });
  }

  /** The conversation the agent has open, for "Bob is viewing" (null: none). */
  function view(uuid: string | null) {
    if (uuid === viewing) return;
    viewing = uuid;
    send({ type: "view_conversation", data: { conversation_uuid: uuid ?? "" } });
  }

  /** The conversation closed: no longer viewed, nor re-subscribed after a reconnection (unless another took its place). */
  function leave(uuid: string) {
    if (subscribed === uuid) subscribed = null;
    if (viewing === uuid) view(null);
  }

  function sendTyping(uuid: string, isTyping: boolean, isPrivate: boolean) {
    return send({
      type: "typing",
      data: { conversation_uuid: uuid, is_typing: isTyping, is_private_message: isPrivate },
    });
  }

  return { state, viewers, typing, on, onReconnect, start, stop, subscribe, view, leave, sendTyping };
});
