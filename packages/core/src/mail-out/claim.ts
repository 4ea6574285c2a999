import { and, eq, inArray, sql } from "drizzle-orm";
import { messages } from "../conversation/message.sql.ts";
import type { Db } from "../port/database.ts";

/**
 * Delivery bookkeeping kept in `messages.meta.delivery` (returned with the message): how many sends were
 * tried, the last error, and the lease of the run sending it now. The lease is what keeps two deliveries of
 * the same queue message from both sending: a run owns the message while `claim` is its token and
 * `lease_until` is ahead; it gives the lease up (`lease_until` null) when a try fails transiently, so the
 * queue's redelivery can claim it again. A run that died holding it loses it when the lease runs out.
 */
export type DeliveryState = {
  attempts?: number;
  claim?: string;
  lease_until?: string | null;
  last_error?: string;
};

/** Longer than a delivery can take (SMTP timeouts, the worker Lambda's 5 minutes), and at most the SQS visibility timeout. */
export const DELIVERY_LEASE_MS = 6 * 60_000;

export const deliveryOf = (meta: Record<string, unknown>): DeliveryState =>
  typeof meta.delivery === "object" && meta.delivery !== null ? (meta.delivery as DeliveryState) : {};

export type ClaimedMessage = {
  status: "pending" | "sending";
  sourceId: string;
  meta: Record<string, unknown>;
  claim: string;
};

/**
 * Moves a `pending` message (or a `sending` one whose lease is free) to `sending` under a new lease, in one
 * conditional update compared against the state read before (`status` and claim token): of two concurrent
 * runs only one gets it. Sets `source_id` to `messageId` unless a previous try already did (a retry keeps it).
 */
export async function claimDelivery(
  db: Db,
  row: { id: number; status: string; sourceId: string | null; meta: Record<string, unknown> },
  messageId: string,
  now: Date,
): Promise<ClaimedMessage | null> {
  if (row.status !== "pending" && row.status !== "sending") return null;
  const previous = deliveryOf(row.meta);
  if (row.status === "sending" && previous.lease_until && new Date(previous.lease_until).getTime() > now.getTime())
    return null;
  const claim = crypto.randomUUID();
  const delivery: DeliveryState = {
    ...previous,
    attempts: (previous.attempts ?? 0) + 1,
    claim,
    lease_until: new Date(now.getTime() + DELIVERY_LEASE_MS).toISOString(),
  };
  const meta = { ...row.meta, delivery };
  const sourceId = row.sourceId ?? messageId;
  const [claimed] = await db
    .update(messages)
    .set({ status: "sending", sourceId, meta, updatedAt: now })
    .where(and(eq(messages.id, row.id), eq(messages.status, row.status as "pending"), sameClaim(previous.claim)))
    .returning({ id: messages.id });
  return claimed ? { status: row.status, sourceId, meta, claim } : null;
}

/** The message's claim token is still `claim` (null: none was ever taken). */
export function sameClaim(claim: string | undefined) {
  return claim === undefined
    ? sql`${messages.meta}->'delivery'->>'claim' IS NULL`
    : sql`${messages.meta}->'delivery'->>'claim' = ${claim}`;
}

/** A transient failure: the message stays `sending` with its lease given up, so the next try can claim it. */
export async function releaseDelivery(
  db: Db,
  id: number,
  claimed: ClaimedMessage,
  error: string,
  now: Date,
): Promise<void> {
  const delivery = { ...deliveryOf(claimed.meta), lease_until: null, last_error: error };
  await db
    .update(messages)
    .set({ meta: { ...claimed.meta, delivery }, updatedAt: now })
    .where(and(eq(messages.id, id), eq(messages.status, "sending"), sameClaim(claimed.claim)));
}

/** Statuses a delivery may still change: anything else is finished (sent, failed) or not outgoing mail. */
export const UNDELIVERED = ["pending", "sending"] as const;
export const undelivered = () => inArray(messages.status, [...UNDELIVERED]);
