import { and, asc, eq, sql } from "drizzle-orm";
import { systemCtx, type SystemDeps } from "../context/index.ts";
import { messages } from "../conversation/message.sql.ts";
import { settings } from "../setting/setting.sql.ts";
import { users } from "../user/user.sql.ts";
import { redactMessageById } from "./redact.ts";
import { AUTO_REDACT_DAYS, PCI_SETTINGS_KEY } from "./settings.ts";
import { ofActiveTenant } from "../tenant/active.ts";

/** Messages redacted per run at most; the next run (hourly in the cloud) picks up the rest. */
export const AUTO_REDACT_BATCH = 200;

/** `meta.pci_detected` set and not redacted: the condition of the partial index `messages_pci_pending_idx`. */
export const pendingPciFlag = sql`(${messages.meta}->'pci_detected') IS NOT NULL AND (${messages.meta}->'pci_detected'->>'redacted_at') IS NULL`;

/**
 * The PCI safety net: redacts, in every workspace with PCI scrubbing enabled, the messages flagged more
 * than its `auto_redact_days` ago that nobody redacted, oldest flag first, at most `batch` per run. Each
 * message is redacted in its own transaction under its row lock, so overlapping or interrupted runs neither
 * redact twice nor lose anything (a message redacted meanwhile is no longer pending). Each redaction's
 * events are published through `deps` once it has committed.
 */
export async function autoRedactDue(
  deps: SystemDeps,
  now: Date,
  batch = AUTO_REDACT_BATCH,
): Promise<{ redacted: number }> {
  const { db } = deps;
  const days = sql`coalesce((${settings.value}->>'auto_redact_days')::int, ${sql.raw(String(AUTO_REDACT_DAYS.default))})`;
  const detectedAt = sql`(${messages.meta}->'pci_detected'->>'detected_at')::timestamptz`;
  const due = await db
    .select({ id: messages.id, tenantId: messages.tenantId })
    .from(messages)
    .leftJoin(settings, and(eq(settings.tenantId, messages.tenantId), eq(settings.key, PCI_SETTINGS_KEY)))
    .where(
      and(
        pendingPciFlag,
        ofActiveTenant(messages.tenantId),
        sql`coalesce((${settings.value}->>'enabled')::boolean, true)`,
        sql`${detectedAt} <= ${now.toISOString()}::timestamptz - ${days} * interval '1 day'`,
      ),
    )
    .orderBy(asc(detectedAt), asc(messages.id))
    .limit(batch);
  const systemUsers = new Map<number, number | null>();
  let redacted = 0;
  for (const { id, tenantId } of due) {
    if (!systemUsers.has(tenantId)) {
      const [system] = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.tenantId, tenantId), eq(users.type, "system")));
      systemUsers.set(tenantId, system?.id ?? null);
    }
    if (
      await redactMessageById(
        systemCtx({ ...deps, clock: { now: () => now } }, tenantId),
        id,
        systemUsers.get(tenantId)!,
      )
    )
      redacted++;
  }
  return { redacted };
}
