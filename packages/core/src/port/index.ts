export type { Database, DatabaseDialect, Db } from "./database.ts";
export { systemClock, type Clock } from "./clock.ts";
export type { Queue, QueueMessage } from "./queue.ts";
