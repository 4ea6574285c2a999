import type { DomainEvent, Events } from "@helperiq/core/port/index";
import { describeError } from "@helperiq/core/errors/describe";

type Listener = (event: DomainEvent) => void | Promise<void>;

/**
 * An in-process event bus: the embedded server's realtime hub subscribes here. A failing listener is
 * logged and never fails the request that published (the change is already committed).
 */
export function createEventBus(): Events & { subscribe(listener: Listener): () => void } {
  const listeners = new Set<Listener>();
  return {
    async publish(events) {
      for (const event of events) {
        for (const listener of listeners) {
          try {
            await listener(event);
          } catch (err) {
            console.error(`[events] listener failed on ${event.type}: ${describeError(err, { stack: true })}`);
          }
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
