import { sql } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { tenantCounters } from "../tenant/tenant.sql.ts";

/** Allocates the next per-tenant `#reference_number` atomically (one upsert; concurrent callers queue on the row). */
export async function nextReferenceNumber(db: Db, tenantId: number): Promise<number> {
  const [row] = await db
    .insert(tenantCounters)
    .values({ tenantId, name: "conversation_reference", value: 1 })
    .onConflictDoUpdate({
      target: [tenantCounters.tenantId, tenantCounters.name],
      set: { value: sql`${tenantCounters.value} + 1` },
    })
    .returning({ value: tenantCounters.value });
  return row!.value;
}
