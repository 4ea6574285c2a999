import type { Push, PushMessage } from "@helperiq/core/port/index";

export type RecordingPush = Push & {
  /** Every push accepted, in order. */
  sent: PushMessage[];
  /** Tokens the "push service" disowns: sending to them answers "unregistered". */
  unregistered: Set<string>;
  /** Tokens whose sends fail transiently (throw) until removed from here. */
  failing: Set<string>;
};

/** The device side of mobile push in tests (the FCM adapter itself is tested against a local FCM server). */
export function createRecordingPush(): RecordingPush {
  const sent: PushMessage[] = [];
  const unregistered = new Set<string>();
  const failing = new Set<string>();
  return {
    sent,
    unregistered,
    failing,
    async send(message) {
      if (failing.has(message.token)) throw new Error(`push service unavailable for ${message.token}`);
      if (unregistered.has(message.token)) return "unregistered";
      sent.push(message);
      return "ok";
    },
  };
}
