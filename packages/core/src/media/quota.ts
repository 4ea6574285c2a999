import { eq, sql } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { QuotaError, tenantLimits } from "../quota/limits.ts";
import { describeBytes } from "./limits.ts";
import { media } from "./media.sql.ts";

/** Bytes of media the workspace stores now (what `limits.storage_bytes` counts). */
export async function storedBytes(db: Db, tenantId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<string>`coalesce(sum(${media.size}), 0)::bigint` })
    .from(media)
    .where(eq(media.tenantId, tenantId));
  return Number(row!.n);
}

/**
 * Refuses (QuotaError) storing `bytes` more when that would take the workspace past `limits.storage_bytes`.
 * Not locked: a few concurrent uploads may overshoot by their own sizes, which a later upload then pays for.
 */
export async function assertStorage(db: Db, tenantId: number, bytes: number): Promise<void> {
  const max = (await tenantLimits(db, tenantId)).storage_bytes;
  if (max === undefined) return;
  const used = await storedBytes(db, tenantId);
  if (used + bytes > max)
    throw new QuotaError(
      "storage_bytes",
      `This workspace's plan allows ${describeBytes(max)} of storage and ${describeBytes(used)} is used; ` +
        `delete files or ask for a larger plan`,
    );
}
