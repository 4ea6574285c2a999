import { and, eq, isNull, sql } from "drizzle-orm";
import { conversations } from "../conversation/conversation.sql.ts";
import type { Db } from "../port/database.ts";
import type { Mailer } from "../port/mailer.ts";
import type { Push } from "../port/push.ts";
import { getEmailNotificationSettings } from "../setting/email-notification.ts";
import { users } from "../user/user.sql.ts";
import { emailNotificationPrefs, isEmailedType, notificationMail } from "./mail.ts";
import { notifications, pushTokens } from "./notification.sql.ts";

export type DeliveryDeps = { db: Db; mailer: Mailer; push: Push };

/**
 * What already went out, kept in the notification's `meta.delivery`: a redelivered job (one device's push
 * failed transiently) repeats only what failed, so the other devices and the mailbox get it once. Failed
 * email attempts are counted: after the workspace's `max_msg_retries` retries the email is given up.
 */
type Delivered = { pushed_token_ids: number[]; emailed: boolean; email_failures: number; email_given_up: boolean };

type Deliverable = NonNullable<Awaited<ReturnType<typeof findDeliverable>>>;

/**
 * The `notification.deliver` job: a push to each of the recipient's devices (a token the push service
 * disowns is deleted) and an email when the workspace mails notifications. Throws after recording progress
 * when anything failed transiently, so the queue delivers it again.
 */
export async function deliverNotification(deps: DeliveryDeps, tenantId: number, notificationId: number): Promise<void> {
  const found = await findDeliverable(deps.db, tenantId, notificationId);
  // Deleted by its recipient, or the recipient was disabled or deleted since: nothing to deliver.
  if (!found) return;
  const before = deliveredSoFar(found.meta);
  const pushed = await pushToDevices(deps, found, before.pushed_token_ids);
  const mailed: MailOutcome =
    before.emailed || before.email_given_up ? { sent: before.emailed } : await mailIfEnabled(deps, found);
  const failures = before.email_failures + (mailed.failure === undefined ? 0 : 1);
  const givenUp = before.email_given_up || (mailed.failure !== undefined && failures > (mailed.retries ?? 0));
  const after: Delivered = {
    pushed_token_ids: [...before.pushed_token_ids, ...pushed.tokenIds],
    emailed: mailed.sent,
    email_failures: failures,
    email_given_up: givenUp,
  };
  if (pushed.tokenIds.length > 0 || after.emailed !== before.emailed || failures !== before.email_failures) {
    await deps.db
      .update(notifications)
      .set({ meta: sql`${notifications.meta} || ${JSON.stringify({ delivery: after })}::jsonb` })
      .where(eq(notifications.id, found.id));
  }
  const failure = pushed.failure ?? (givenUp ? undefined : mailed.failure);
  if (failure !== undefined) throw failure;
}

async function findDeliverable(db: Db, tenantId: number, notificationId: number) {
  const [row] = await db
    .select({
      id: notifications.id,
      tenantId: notifications.tenantId,
      userId: notifications.userId,
      type: notifications.type,
      title: notifications.title,
      description: notifications.description,
      conversationUuid: conversations.uuid,
      messageId: notifications.messageId,
      meta: notifications.meta,
      email: users.email,
      firstName: users.firstName,
      preferences: users.preferences,
    })
    .from(notifications)
    .innerJoin(
      users,
      and(
        eq(users.id, notifications.userId),
        eq(users.tenantId, notifications.tenantId),
        eq(users.enabled, true),
        isNull(users.deletedAt),
      ),
    )
    .leftJoin(
      conversations,
      and(eq(conversations.id, notifications.conversationId), eq(conversations.tenantId, notifications.tenantId)),
    )
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.id, notificationId)));
  return row;
}

function deliveredSoFar(meta: Record<string, unknown>): Delivered {
  const delivery = (meta.delivery ?? {}) as Partial<Delivered>;
  return {
    pushed_token_ids: delivery.pushed_token_ids ?? [],
    emailed: delivery.emailed ?? false,
    email_failures: delivery.email_failures ?? 0,
    email_given_up: delivery.email_given_up ?? false,
  };
}

/** Sends to every device not reached yet, all at once; returns the tokens reached and the first transient failure. */
async function pushToDevices(deps: DeliveryDeps, n: Deliverable, alreadyPushed: number[]) {
  const devices = await deps.db
    .select({ id: pushTokens.id, token: pushTokens.token, platform: pushTokens.platform })
    .from(pushTokens)
    .where(and(eq(pushTokens.tenantId, n.tenantId), eq(pushTokens.userId, n.userId)));
  const pending = devices.filter((d) => !alreadyPushed.includes(d.id));
  const data: Record<string, string> = { notification_id: String(n.id), type: n.type };
  if (n.conversationUuid) data.conversation_uuid = n.conversationUuid;
  if (n.messageId !== null) data.message_id = String(n.messageId);
  const results = await Promise.allSettled(
    pending.map((d) =>
      deps.push.send({ token: d.token, platform: d.platform, title: n.title, body: n.description, data }),
    ),
  );
  const tokenIds: number[] = [];
  let failure: unknown;
  for (const [i, result] of results.entries()) {
    const device = pending[i]!;
    if (result.status === "rejected") failure ??= result.reason;
    else if (result.value === "ok") tokenIds.push(device.id);
    // By id: the same token may have been registered again since, as a new row that must stay.
    else await deps.db.delete(pushTokens).where(and(eq(pushTokens.id, device.id), eq(pushTokens.tenantId, n.tenantId)));
  }
  return { tokenIds, failure };
}

type MailOutcome = { sent: boolean; failure?: unknown; retries?: number };

async function mailIfEnabled(deps: DeliveryDeps, n: Deliverable): Promise<MailOutcome> {
  if (!isEmailedType(n.type) || !n.email || !emailNotificationPrefs(n.preferences)[n.type]) return { sent: false };
  const settings = await getEmailNotificationSettings(deps.db, n.tenantId);
  if (!settings.enabled) return { sent: false };
  try {
    await deps.mailer.send(
      notificationMail({ to: n.email, firstName: n.firstName, title: n.title, description: n.description }),
    );
    return { sent: true };
  } catch (failure) {
    return { sent: false, failure, retries: settings.max_msg_retries };
  }
}
