import { onScopeDispose, toValue, watch, type MaybeRefOrGetter } from "vue";
import { useRealtimeStore } from "./realtimeStore.ts";

/** While typing goes on, it is said again this often: well within TYPING_TTL_MS, after which receivers forget it. */
export const TYPING_REPEAT_MS = 3_000;
/** No keystroke for this long: the agent stopped typing. */
export const TYPING_IDLE_MS = 5_000;

/**
 * The editor's side of "Bob is typing…": call `typed(isPrivate)` on each edit of the reply or note to the
 * conversation `uuid`, and `stopped()` when the text is sent, cleared or the editor loses focus. Frames are
 * throttled (one "typing" per TYPING_REPEAT_MS, one "stopped" after TYPING_IDLE_MS of quiet); a reply is
 * relayed to the customer's widget too, a note (`isPrivate`) only to the other agents viewing it.
 */
export function useTyping(uuid: MaybeRefOrGetter<string>) {
  const realtime = useRealtimeStore();
  let announced: { uuid: string; isPrivate: boolean; at: number } | null = null;
  let idle: ReturnType<typeof setTimeout> | undefined;

  function stopped() {
    clearTimeout(idle);
    if (!announced) return;
    realtime.sendTyping(announced.uuid, false, announced.isPrivate);
    announced = null;
  }

  function typed(isPrivate = false) {
    const id = toValue(uuid);
    if (!id) return;
    const now = Date.now();
    // Switching between reply and note: the other kind is over.
    if (announced && (announced.uuid !== id || announced.isPrivate !== isPrivate)) stopped();
    if (!announced || now - announced.at >= TYPING_REPEAT_MS) {
      if (realtime.sendTyping(id, true, isPrivate)) announced = { uuid: id, isPrivate, at: now };
    }
    clearTimeout(idle);
    idle = setTimeout(stopped, TYPING_IDLE_MS);
  }

  watch(() => toValue(uuid), stopped);
  onScopeDispose(stopped);
  return { typed, stopped };
}
