import type { Db } from "../port/database.ts";
import type { Queue } from "../port/queue.ts";
import { enabledSources } from "./sync.ts";

/** How often every enabled source is re-read (spec: hourly); unchanged chunks cost no embeddings. */
export const RESYNC_INTERVAL_MS = 60 * 60 * 1000;

/** Enqueues `rag.sync` for every enabled knowledge source (the hourly cron and its embedded timer). */
export async function enqueueResyncs(db: Db, queue: Queue): Promise<number> {
  const sources = await enabledSources(db);
  for (const s of sources) await queue.send({ type: "rag.sync", tenantId: s.tenantId, sourceId: s.sourceId });
  return sources.length;
}
