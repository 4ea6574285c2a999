import { and, eq, isNull, sql } from "drizzle-orm";
import { PermissionError } from "../errors/index.ts";
import { inboxes } from "../inbox/inbox.sql.ts";
import { describeBytes } from "../media/limits.ts";
import { media } from "../media/media.sql.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { type TenantLimits, tenants } from "./tenant.sql.ts";

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
async function lockedLimits(tx: Db, tenantId: number): Promise<TenantLimits> {
  const [row] = await tx.select({ limits: tenants.limits }).from(tenants).where(eq(tenants.id, tenantId)).for("update");
  return row?.limits ?? {};
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Agents holding a seat: enabled and not deleted (what `agents` limits). */
export async function enabledAgents(db: Db, tenantId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(
      and(eq(users.tenantId, tenantId), eq(users.type, "agent"), eq(users.enabled, true), isNull(users.deletedAt)),
    );
  return Number(row!.n);
}

/**
 * Refuses (QuotaError) one more enabled agent beyond `limits.agents`. Call inside the transaction that creates
 * or enables it, before the write. Disabled and deleted agents hold no seat.
 */
export async function assertAgentSeat(tx: Db, tenantId: number): Promise<void> {
  const max = (await lockedLimits(tx, tenantId)).agents;
  if (max === undefined) return;
  if ((await enabledAgents(tx, tenantId)) + 1 > max)
    throw new QuotaError(
      "agents",
      `This workspace's plan allows ${plural(max, "enabled agent", "enabled agents")}; disable one or ask for a larger plan`,
    );
}

/** Refuses (QuotaError) one more inbox beyond `limits.inboxes`; deleted inboxes do not count. */
export async function assertInboxSlot(tx: Db, tenantId: number): Promise<void> {
  const max = (await lockedLimits(tx, tenantId)).inboxes;
  if (max === undefined) return;
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(inboxes)
    .where(and(eq(inboxes.tenantId, tenantId), isNull(inboxes.deletedAt)));
  if (Number(row!.n) + 1 > max)
    throw new QuotaError(
      "inboxes",
      `This workspace's plan allows ${plural(max, "inbox", "inboxes")}; delete one or ask for a larger plan`,
    );
}

/** Bytes of media the workspace stores now (what `storage_bytes` limits). */
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
