import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { InputError } from "../errors/index.ts";
import { findStatus } from "../status/lookup.ts";
import { changeConversation, type Change, type ChangeTarget, type ConversationRow } from "./change.ts";

export const MAX_SNOOZE_MS = 365 * 24 * 3600_000;
const UNIT_MS = { m: 60_000, h: 3600_000, d: 24 * 3600_000 } as const;

/** A snooze duration ("30m", "24h", "3d") in milliseconds, or null when it is not one (or over a year). */
export function parseDuration(value: string): number | null {
  const m = /^(\d{1,6})([mhd])$/.exec(value.trim());
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms > 0 && ms <= MAX_SNOOZE_MS ? ms : null;
}

export { findStatus, systemStatus } from "../status/lookup.ts";
type Status = Awaited<ReturnType<typeof findStatus>>;

/**
 * Moving a conversation to `status`: Resolved/Closed stamp their time, anything but Snoozed clears the
 * snooze. Null when it is already there (and, for Snoozed, until the same time).
 */
export function statusChange(
  row: ConversationRow,
  status: Status,
  now: Date,
  who: string,
  snoozedUntil: Date | null = null,
): Change | null {
  const snoozed = status.systemKey === "Snoozed" ? snoozedUntil : null;
  if (row.statusId === status.id && row.snoozedUntil?.getTime() === snoozed?.getTime()) return null;
  const set: Partial<ConversationRow> = { statusId: status.id };
  const changes: Record<string, unknown> = { status: status.name };
  if (row.snoozedUntil?.getTime() !== snoozed?.getTime()) {
    set.snoozedUntil = snoozed;
    changes.snoozed_until = iso(snoozed);
  }
  if (status.systemKey === "Resolved") {
    set.resolvedAt = now;
    changes.resolved_at = iso(now);
  }
  if (status.systemKey === "Closed") {
    set.closedAt = now;
    changes.closed_at = iso(now);
  }
  const text = snoozed
    ? `${who} snoozed the conversation until ${iso(snoozed)}`
    : `${who} set status to ${status.name}`;
  return {
    set,
    changes,
    activity: { kind: "status", text, meta: { status: status.name, ...(snoozed && { snoozed_until: iso(snoozed) }) } },
  };
}

export type StatusInput = { status: string | number; snoozed_until?: string | undefined };

/** PUT …/status: a status of the workspace; Snoozed needs `snoozed_until` as a duration from now. */
export async function setStatus(ctx: Ctx, target: ChangeTarget, input: StatusInput): Promise<boolean> {
  const status = await findStatus(ctx, input.status);
  let until: Date | null = null;
  if (status.systemKey === "Snoozed") {
    if (input.snoozed_until === undefined) throw new InputError("snoozed_until: required when the status is Snoozed");
    const ms = parseDuration(input.snoozed_until);
    if (ms === null) throw new InputError('snoozed_until: must be a duration like "30m", "24h" or "3d", at most 365d');
    until = new Date(ctx.clock.now().getTime() + ms);
  }
  return changeConversation(ctx, target, (row, _tx, who) => statusChange(row, status, ctx.clock.now(), who, until));
}
