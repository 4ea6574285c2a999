import { eq } from "drizzle-orm";
import { PermissionError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import type { TenantRef } from "./resolve.ts";
import { tenants } from "./tenant.sql.ts";

/**
 * What every route and WebSocket handshake of a suspended workspace answers (403): the operator's reason
 * when they gave one. Read only for a suspended workspace, so active ones pay no extra query.
 */
export async function suspensionMessage(db: Db, tenant: Pick<TenantRef, "id">): Promise<string> {
  const [row] = await db
    .select({ reason: tenants.suspendedReason })
    .from(tenants)
    .where(eq(tenants.id, tenant.id))
    .limit(1);
  const reason = row?.reason?.trim();
  return reason
    ? `This workspace is suspended: ${reason}`
    : "This workspace is suspended; its administrator can ask the service operator why";
}

/** Throws the suspended workspace's 403; returns for an active one. */
export async function assertNotSuspended(db: Db, tenant: TenantRef): Promise<void> {
  if (tenant.status === "suspended") throw new PermissionError(await suspensionMessage(db, tenant));
}
