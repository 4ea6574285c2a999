import type { Queue, QueueMessage } from "@helperiq/core/port/index";
import { describeError } from "@helperiq/core/errors/describe";

export type MemoryQueueOptions = {
  /** Deliveries before a message is given up (dead-lettered). */
  attempts?: number;
  /** Delay before the first retry; each later one waits four times longer, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
};

export type MemoryQueue = Queue & {
  /** Waits for everything in flight, retries included (tests). */
  drain(): Promise<void>;
  /**
   * Shutdown: runs in progress finish, retries still waiting are dropped (the server re-enqueues unfinished
   * work on its next start), and new messages are refused.
   */
  close(): Promise<void>;
};

/**
 * The embedded queue: messages run in this process after the current tick, with retries and a dead
 * letter handler, like SQS with a redrive policy. Nothing survives a restart, so the server re-enqueues
 * unfinished work on start.
 */
export function createMemoryQueue(
  handle: (message: QueueMessage) => Promise<void>,
  onDead: (message: QueueMessage, error: unknown) => Promise<void>,
  options: MemoryQueueOptions = {},
): MemoryQueue {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const inFlight = new Set<Promise<void>>();
  const waiting = new Set<() => void>();
  let closed = false;

  /** Resolves true after `ms`, or false at once when the queue closes meanwhile. */
  const pause = (ms: number) =>
    new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        waiting.delete(wake);
        resolve(true);
      }, ms);
      waiting.add(wake);
    });

  async function deliver(message: QueueMessage) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await handle(message);
      } catch (err) {
        console.error(`[queue] ${message.type} failed (attempt ${attempt}/${attempts}): ${describeError(err)}`);
        if (attempt >= attempts)
          return onDead(message, err).catch((e) =>
            console.error(`[queue] dead-letter handler failed: ${describeError(e, { stack: true })}`),
          );
        if (!(await pause(Math.min(backoffMs * 4 ** (attempt - 1), maxBackoffMs)))) {
          console.error(`[queue] shutting down: ${message.type} will be retried after the next start`);
          return;
        }
      }
    }
  }

  return {
    async send(message) {
      if (closed) throw new Error(`queue closed: cannot send ${message.type}`);
      const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => deliver(message));
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    },
    async drain() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
    async close() {
      closed = true;
      for (const wake of [...waiting]) wake();
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
}
