import type { DomainEvent } from "./events.ts";
import type { QueueMessage } from "./queue.ts";

/** What a domain operation asks to happen once its transaction has committed (ARCHITECTURE rule 4). */
export type Effects = { events: DomainEvent[]; messages: QueueMessage[] };

/** An operation's result together with its after-commit effects. */
export type WithEffects<T> = T & Effects;
