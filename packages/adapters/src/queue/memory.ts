import type { Queue, QueueMessage } from "@helperiq/core/port/index";

export type MemoryQueueOptions = {
  /** Deliveries before a message is given up (dead-lettered). */
  attempts?: number;
  /** Delay before the n-th retry is n × this. */
  backoffMs?: number;
};

/**
 * The embedded queue: messages run in this process after the current tick, with retries and a dead
 * letter handler, like SQS with a redrive policy. Nothing survives a restart, so the server re-enqueues
 * unfinished work on start. `drain()` waits for everything in flight (tests, shutdown).
 */
export function createMemoryQueue(
  handle: (message: QueueMessage) => Promise<void>,
  onDead: (message: QueueMessage, error: unknown) => Promise<void>,
  options: MemoryQueueOptions = {},
): Queue & { drain(): Promise<void> } {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const inFlight = new Set<Promise<void>>();

  async function deliver(message: QueueMessage) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await handle(message);
      } catch (err) {
        console.error(`[queue] ${message.type} failed (attempt ${attempt}/${attempts}):`, (err as Error).message);
        if (attempt >= attempts) return onDead(message, err).catch((e) => console.error("[queue] dead-letter handler failed:", e));
        await new Promise((r) => setTimeout(r, backoffMs * attempt));
      }
    }
  }

  return {
    async send(message) {
      const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => deliver(message));
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    },
    async drain() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
}
