import { type MaybeRefOrGetter, nextTick, onScopeDispose, type Ref, toValue, watch } from "vue";
import { api, type Conversation, type Message } from "../../api/index.ts";
import { useLookupsStore } from "../../stores/lookups.ts";
import { useInboxStore } from "../conversations/inboxStore.ts";
import { useRealtimeStore } from "./realtimeStore.ts";

/**
 * Adds a message to a thread kept oldest first (by id, the order the API writes them), unless it is there
 * already: the one way a pushed message and the one the agent just sent meet, so neither shows twice. The
 * copy already there wins: it may carry later delivery updates than a snapshot taken when it was written.
 */
export function addMessage(thread: Ref<Message[]>, message: Message) {
  const list = thread.value;
  if (list.some((m) => m.uuid === message.uuid)) return false;
  let i = list.length;
  while (i > 0 && list[i - 1]!.id > message.id) i--;
  thread.value = [...list.slice(0, i), message, ...list.slice(i)];
  return true;
}

/** How close to the end of the thread (px) still counts as reading the newest message. */
const NEAR_END_PX = 80;

/**
 * Keeps an open conversation live: subscribes this connection to it and says the agent views it (both
 * announced again after a reconnection, and viewing cleared when it closes), adds pushed messages to the
 * thread, patches messages' delivery status and the conversation's fields as others change them, marks
 * what arrives while it is open as seen, and reads everything again after a reconnection.
 */
export function useLiveConversation(
  uuid: MaybeRefOrGetter<string>,
  target: {
    conversation: Ref<Conversation | null>;
    messages: Ref<Message[]>;
    /** Reads the conversation and its newest messages again (after a reconnection). */
    reload: () => Promise<unknown>;
    /** The scrolled thread: a pushed message scrolls it to the end if the agent was reading the end. */
    thread?: Ref<HTMLElement | null>;
  },
) {
  const realtime = useRealtimeStore();
  const inbox = useInboxStore();
  const lookups = useLookupsStore();
  const current = () => toValue(uuid);

  watch(
    current,
    (id) => {
      realtime.subscribe(id);
      realtime.view(id);
    },
    { immediate: true },
  );

  let seenTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the customer wrote while the agent had the conversation open is read: seen (once per burst). */
  function markSeenSoon(id: string) {
    clearTimeout(seenTimer);
    seenTimer = setTimeout(() => {
      if (id !== current() || document.visibilityState === "hidden") return;
      api
        .markSeen(id)
        .then(() => inbox.patch(id, { unread_count: 0 }))
        .catch(() => undefined);
    }, 150);
  }

  const offs = [
    realtime.on("new_message", (message) => {
      if (message.conversation_uuid !== current()) return;
      const el = target.thread?.value;
      const atEnd = !!el && el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_END_PX;
      if (addMessage(target.messages, message) && atEnd)
        void nextTick().then(() => el.scrollTo({ top: el.scrollHeight, behavior: "smooth" }));
      if (message.type === "incoming") markSeenSoon(message.conversation_uuid);
    }),
    realtime.on("message_update", ({ uuid: messageUuid, conversation_uuid, deleted, updated_at, ...changes }) => {
      if (conversation_uuid !== current()) return;
      target.messages.value = deleted
        ? target.messages.value.filter((m) => m.uuid !== messageUuid)
        : target.messages.value.map((m) => (m.uuid === messageUuid ? { ...m, ...changes } : m));
    }),
    realtime.on("conversation_update", ({ uuid: conversationUuid, deleted, contact, ...changes }) => {
      const conversation = target.conversation.value;
      if (deleted || conversationUuid !== current() || !conversation || conversation.uuid !== conversationUuid) return;
      const status = changes.status === undefined ? undefined : lookups.statusByName.get(changes.status);
      target.conversation.value = {
        ...conversation,
        ...changes,
        ...(status ? { status_id: status.id } : {}),
        contact: contact ? { ...conversation.contact, ...contact } : conversation.contact,
      };
    }),
    realtime.onReconnect(() => void target.reload().catch(() => undefined)),
  ];

  onScopeDispose(() => {
    clearTimeout(seenTimer);
    for (const off of offs) off();
    realtime.leave(current());
  });
}
