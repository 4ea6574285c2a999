import { enqueueResyncs } from "@helperiq/core/rag/schedule";
import { sharedDatabase } from "../database.ts";
import { cloudQueue } from "../runtime.ts";

/**
 * Scheduled by infra/cron.ts every hour: enqueues `rag.sync` for every enabled knowledge source. The queue
 * worker syncs them one by one; a sync re-embeds only chunks whose text changed (rag/sync.ts).
 */
export async function handler(): Promise<{ enqueued: number }> {
  const enqueued = await enqueueResyncs(sharedDatabase().db, cloudQueue(process.env));
  console.log(`[rag-resync] enqueued ${enqueued} knowledge source syncs`);
  return { enqueued };
}
