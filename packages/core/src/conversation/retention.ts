import { and, asc, eq, lte, sql } from "drizzle-orm";
import { systemCtx, type SystemDeps } from "../context/index.ts";
import type { Db } from "../port/database.ts";
import { settings } from "../setting/setting.sql.ts";
import { TRASH_SETTINGS_KEY, type TrashSettings } from "../setting/trash.ts";
import { statuses, type SystemStatus } from "../status/status.sql.ts";
import { users } from "../user/user.sql.ts";
import { changeConversation } from "./change.ts";
import { conversations } from "./conversation.sql.ts";
import { purgeConversations } from "./purge.ts";
import { statusChange, systemStatus } from "./status.ts";
import { ofActiveTenant } from "../tenant/active.ts";

/** Conversations acted on per rule and run at most; the next run (hourly) picks up the rest. */
export const RETENTION_BATCH = 500;

export type RetentionRun = { trashed: number; deleted: number };

type Rule = { key: keyof TrashSettings; status: SystemStatus };
/** The moves to the trash; deleting from it comes first, so nothing moved in this run is measured again. */
const TO_TRASH: Rule[] = [
  { key: "auto_trash_resolved_days", status: "Resolved" },
  { key: "auto_trash_spam_days", status: "Spam" },
];

/**
 * The trash retention of every workspace that set it (setting/trash.ts), at `now`: conversations in the
 * trash for `auto_delete_days` are deleted for good (purge.ts, files included), then those Resolved or in
 * Spam for their number of days move to the trash, each with a "Moved to Trash" activity by the workspace's
 * System user. "For N days" is measured from `status_changed_at`, which the database stamps on every status
 * change. Idempotent and safe against agents acting meanwhile: each deletion and move re-checks status and
 * time in its own statement or under the row lock, so a conversation restored or reopened in between is
 * left alone, and overlapping runs never act twice. Each move's events are published through `deps` once
 * it has committed.
 */
export async function applyTrashRetention(deps: SystemDeps, now: Date, batch = RETENTION_BATCH): Promise<RetentionRun> {
  const { db } = deps;
  const run: RetentionRun = { trashed: 0, deleted: 0 };
  for (const due of await dueConversations(db, now, { key: "auto_delete_days", status: "Trashed" }, batch)) {
    const cutoff = new Date(now.getTime() - due.days * 86_400_000);
    const deleted = await db.transaction(async (tx) => {
      const [row] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            eq(conversations.id, due.id),
            eq(conversations.statusId, due.statusId),
            lte(conversations.statusChangedAt, cutoff),
          ),
        )
        .for("update");
      if (!row) return false;
      await purgeConversations(tx, due.tenantId, [row.id], now);
      return true;
    });
    if (deleted) run.deleted++;
  }
  const systemUsers = new Map<number, number | null>();
  for (const rule of TO_TRASH) {
    for (const due of await dueConversations(db, now, rule, batch)) {
      if (!systemUsers.has(due.tenantId)) {
        const [system] = await db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.tenantId, due.tenantId), eq(users.type, "system")));
        systemUsers.set(due.tenantId, system?.id ?? null);
      }
      const ctx = systemCtx({ ...deps, clock: { now: () => now } }, due.tenantId);
      const trash = await systemStatus(db, due.tenantId, "Trashed");
      const cutoff = new Date(now.getTime() - due.days * 86_400_000);
      const moved = await changeConversation(
        ctx,
        { id: due.id },
        (row) => {
          if (row.statusId !== due.statusId || row.statusChangedAt > cutoff) return null;
          const change = statusChange(row, trash, now, "System");
          if (!change) return null;
          const text = `Moved to ${trash.name} after ${due.days} ${due.days === 1 ? "day" : "days"} in ${due.statusName}`;
          return { ...change, activity: { kind: "status", text, meta: { status: trash.name, retention: rule.key } } };
        },
        systemUsers.get(due.tenantId)!,
      );
      if (moved) run.trashed++;
    }
  }
  return run;
}

/** Conversations of every workspace in `rule.status` for at least the workspace's `rule.key` days (> 0), oldest first. */
async function dueConversations(db: Db, now: Date, rule: Rule, batch: number) {
  // Stored values were validated as integers on write (setting/trash.ts); absent means off.
  const days = sql<number>`coalesce((${settings.value}->>${rule.key})::int, 0)`;
  return db
    .select({
      id: conversations.id,
      tenantId: conversations.tenantId,
      statusId: conversations.statusId,
      statusName: statuses.name,
      days,
    })
    .from(conversations)
    .innerJoin(statuses, and(eq(statuses.id, conversations.statusId), eq(statuses.systemKey, rule.status)))
    .innerJoin(settings, and(eq(settings.tenantId, conversations.tenantId), eq(settings.key, TRASH_SETTINGS_KEY)))
    .where(
      and(
        ofActiveTenant(conversations.tenantId),
        sql`${days} > 0`,
        sql`${conversations.statusChangedAt} <= ${now.toISOString()}::timestamptz - ${days} * interval '1 day'`,
      ),
    )
    .orderBy(asc(conversations.statusChangedAt), asc(conversations.id))
    .limit(batch);
}
