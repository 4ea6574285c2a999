import { type AnyColumn, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { tenants } from "./tenant.sql.ts";

/**
 * Rows of active workspaces only: the condition every scheduled job and poller adds to its query, so a
 * suspended workspace (or one being deleted) runs no background work and changes nothing on its own.
 */
export function ofActiveTenant(tenantIdColumn: AnyColumn): SQL {
  return sql`${tenantIdColumn} IN (SELECT ${tenants.id} FROM ${tenants} WHERE ${tenants.status} = 'active')`;
}

/**
 * Whether the workspace is suspended or being deleted. A tenant id that names no workspace is not halted:
 * mail about no workspace yet (a sign-up's verification) still goes out.
 */
export async function isTenantHalted(db: Db, tenantId: number): Promise<boolean> {
  const [row] = await db.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  return row !== undefined && row.status !== "active";
}
