export type { Database, DatabaseDialect, Db } from "./database.ts";
export { systemClock, type Clock } from "./clock.ts";
export type { Mailer, OutgoingMail } from "./mailer.ts";
export type { Push, PushMessage, PushPlatform } from "./push.ts";
export type { Queue, QueueMessage } from "./queue.ts";
export type { RateCounter } from "./rate-counter.ts";
export type { DomainEvent, Events } from "./events.ts";
export type { Effects, WithEffects } from "./effects.ts";
export type { BlobStore } from "./blob-store.ts";
