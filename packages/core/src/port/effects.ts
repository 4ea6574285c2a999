import type { DomainEvent, Events } from "./events.ts";
import type { Queue, QueueMessage } from "./queue.ts";

/** What a domain operation asks to happen once its transaction has committed: realtime events and background work. */
export type Effects = { events: DomainEvent[]; messages: QueueMessage[] };

/**
 * The ports effects leave through. Every context that writes carries them (Ctx, JobDeps), so an operation
 * publishes its own effects through the transaction runner (db/transaction.ts) instead of returning them
 * to a caller that might forget to.
 */
export type EffectPorts = { events: Events; queue: Queue };
