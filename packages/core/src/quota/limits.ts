import { eq } from "drizzle-orm";
import { PermissionError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { type TenantLimits, tenants } from "../tenant/tenant.sql.ts";

/**
 * A workspace at one of its plan's limits (403, type PermissionError): the message names the limit, so an admin
 * knows what to free or to ask the operator for. `limit` is the TenantLimits field.
 */
export class QuotaError extends PermissionError {
  constructor(
    readonly limit: keyof TenantLimits,
    message: string,
  ) {
    super(message);
  }
}

/** The workspace's limits (`{}` = unlimited); absent fields are unlimited. */
export async function tenantLimits(db: Db, tenantId: number): Promise<TenantLimits> {
  const [row] = await db.select({ limits: tenants.limits }).from(tenants).where(eq(tenants.id, tenantId));
  return row?.limits ?? {};
}

/**
 * The limits, with the tenants row locked until the transaction `tx` ends: two concurrent creations in one
 * workspace then count one after the other, so neither can slip past a limit the other just reached.
 */
export async function lockedLimits(tx: Db, tenantId: number): Promise<TenantLimits> {
  const [row] = await tx.select({ limits: tenants.limits }).from(tenants).where(eq(tenants.id, tenantId)).for("update");
  return row?.limits ?? {};
}

/** "1 inbox", "3 inboxes": a limit as the refusals state it. */
export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
