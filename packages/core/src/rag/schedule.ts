import type { Db } from "../port/database.ts";
import type { Queue } from "../port/queue.ts";
import { enabledSources } from "./sync.ts";

/** Enqueues `rag.sync` for every enabled knowledge source (hourly: job/schedule.ts). */
export async function enqueueResyncs(db: Db, queue: Queue): Promise<number> {
  const sources = await enabledSources(db);
  for (const s of sources) await queue.send({ type: "rag.sync", tenantId: s.tenantId, sourceId: s.sourceId });
  return sources.length;
}
