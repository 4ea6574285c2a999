import { onBeforeUnmount, watch } from "vue";
import type { Message } from "../../api/index.ts";
import { threadApi } from "../../api/thread.ts";

/** Waits between reads of a message on its way out: about a minute in all, then the thread stops asking. */
const DELAYS_MS = [1000, 2000, 3000, 5000, 8000, 13_000, 21_000];

/**
 * While an agent's reply is `pending` or `sending`, reads it again now and then and reports the message
 * once its delivery status changed (sent, or failed with the reason), so a reply just sent or retried
 * shows how it went without a reload. Bounded: a delivery still queued after a minute stays as it was
 * last read until the thread is opened again.
 */
export function useDeliveryWatch(message: () => Message, changed: (message: Message) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const inFlight = (m: Message) =>
    m.type === "outgoing" && !m.private && (m.status === "pending" || m.status === "sending");

  function poll(attempt: number) {
    const delay = DELAYS_MS[attempt];
    if (delay === undefined) return;
    timer = setTimeout(async () => {
      const current = message();
      try {
        const fresh = await threadApi.message(current.conversation_uuid, current.uuid);
        if (fresh.status !== current.status) return changed(fresh);
      } catch {
        // A failed read (the network, a session that ended) is not the delivery failing: keep the last state.
      }
      poll(attempt + 1);
    }, delay);
  }

  watch(
    () => [message().uuid, message().status] as const,
    () => {
      stop();
      if (inFlight(message())) poll(0);
    },
    { immediate: true },
  );
  onBeforeUnmount(stop);
}
