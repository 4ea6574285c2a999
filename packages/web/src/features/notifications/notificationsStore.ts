import { defineStore } from "pinia";
import { ref } from "vue";
import { type AgentNotification, notificationsApi } from "../../api/notifications.ts";
import { useRealtimeStore } from "../realtime/realtimeStore.ts";

/** How many of the newest notifications the bell lists. */
export const LISTED = 20;
/** The bell's polling period; the realtime connection may call refresh() sooner (a `new_notification`). */
export const POLL_MS = 60_000;

/**
 * The signed-in agent's notifications: the newest LISTED and the unread count, read again on refresh()
 * (the bell opening, every POLL_MS while a bell is on screen, or a realtime push).
 */
export const useNotificationsStore = defineStore("notifications", () => {
  const items = ref<AgentNotification[]>([]);
  const unread = ref(0);
  const loaded = ref(false);
  const failed = ref(false);
  let inFlight: Promise<void> | undefined;
  /** Bumped by $reset: an answer to a read started before it belongs to the session that ended. */
  let generation = 0;

  /** Reads the list and the count again; a call while one is running joins it. */
  function refresh(): Promise<void> {
    const asked = generation;
    inFlight ??= Promise.all([notificationsApi.list(LISTED), notificationsApi.counts()])
      .then(([page, counts]) => {
        if (asked !== generation) return;
        items.value = page.results;
        unread.value = counts.unread;
        loaded.value = true;
        failed.value = false;
      })
      .catch(() => {
        if (asked === generation) failed.value = true;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  async function markRead(id: number) {
    const item = items.value.find((n) => n.id === id);
    if (item?.read_at) return;
    const read = await notificationsApi.markRead(id);
    if (item) Object.assign(item, read);
    unread.value = Math.max(0, unread.value - 1);
  }

  async function markAllRead() {
    await notificationsApi.markAllRead();
    const now = new Date().toISOString();
    for (const item of items.value) item.read_at ??= now;
    unread.value = 0;
  }

  const realtime = useRealtimeStore();
  let pollers = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let unlisten: Array<() => void> = [];
  /** Polls while at least one caller wants it, and reads again on a realtime push or reconnection; returns the stop. */
  function poll() {
    pollers += 1;
    if (pollers === 1) {
      void refresh();
      timer = setInterval(() => void refresh(), POLL_MS);
      unlisten = [realtime.on("new_notification", () => void refresh()), realtime.onReconnect(() => void refresh())];
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      pollers -= 1;
      // No bell left on screen: the shell is gone (signed out); nothing of this agent's stays.
      if (pollers === 0) {
        clearInterval(timer);
        for (const stop of unlisten) stop();
        unlisten = [];
        $reset();
      }
    };
  }

  function $reset() {
    generation += 1;
    items.value = [];
    unread.value = 0;
    loaded.value = false;
    failed.value = false;
  }

  return { items, unread, loaded, failed, refresh, markRead, markAllRead, poll, $reset };
});
