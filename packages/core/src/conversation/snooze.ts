import { and, eq, isNotNull, lte } from "drizzle-orm";
import { systemCtx, type SystemDeps } from "../context/index.ts";
import { statuses } from "../status/status.sql.ts";
import { users } from "../user/user.sql.ts";
import { changeConversation } from "./change.ts";
import { conversations } from "./conversation.sql.ts";
import { systemStatus } from "./status.ts";
import { ofActiveTenant } from "../tenant/active.ts";

const MAX_PER_RUN = 500;

/**
 * Reopens the snoozed conversations of every workspace that are due at `now`, each in its own transaction
 * with a "Reopened after snooze" activity by the workspace's System user. Idempotent: a conversation is
 * re-checked under its row lock, so overlapping runs (or an agent reopening it first) change nothing twice.
 * Each change's events are published through `deps` once it has committed.
 */
export async function wakeSnoozedConversations(deps: SystemDeps, now: Date): Promise<{ woken: number }> {
  const { db } = deps;
  const due = await db
    .select({ id: conversations.id, tenantId: conversations.tenantId })
    .from(conversations)
    .innerJoin(statuses, eq(statuses.id, conversations.statusId))
    .where(
      and(
        eq(statuses.systemKey, "Snoozed"),
        ofActiveTenant(conversations.tenantId),
        isNotNull(conversations.snoozedUntil),
        lte(conversations.snoozedUntil, now),
      ),
    )
    .limit(MAX_PER_RUN);
  let woken = 0;
  for (const { id, tenantId } of due) {
    const ctx = systemCtx({ ...deps, clock: { now: () => now } }, tenantId);
    const open = await systemStatus(db, tenantId, "Open");
    const [system] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.type, "system")));
    const changed = await changeConversation(
      ctx,
      { id },
      async (row, tx) => {
        const [status] = await tx
          .select({ key: statuses.systemKey })
          .from(statuses)
          .where(eq(statuses.id, row.statusId));
        if (status?.key !== "Snoozed" || !row.snoozedUntil || row.snoozedUntil > now) return null;
        return {
          set: { statusId: open.id, snoozedUntil: null },
          changes: { status: open.name, snoozed_until: null },
          activity: { kind: "snooze_ended", text: "Reopened after snooze" },
        };
      },
      system?.id ?? null,
    );
    if (changed) woken++;
  }
  return { woken };
}
