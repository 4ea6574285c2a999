import { and, asc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import { iso } from "../db/iso.ts";
import type { AgentActor, Ctx } from "../context/index.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { emailNotificationPrefs, type EmailNotificationPrefs } from "../notification/mail.ts";
import { pushTokens } from "../notification/notification.sql.ts";
import { users, type AVAILABILITIES } from "../user/user.sql.ts";
import { avatarPath, swapAvatar } from "../media/avatar.ts";
import { agentSignatureOf } from "./signature.ts";
import {
  AVAILABILITY_STATUSES,
  availabilityStatus,
  STATUS_PREFERENCE,
  type AvailabilityStatus,
} from "./availability.ts";
import { agentViews, findAgentRow } from "./view.ts";

function me(ctx: Ctx): AgentActor {
  if (ctx.actor.type !== "agent") throw new NotFoundError("Agent");
  return ctx.actor;
}

/** The signed-in agent with roles, teams and the flattened permission list. */
export async function getMe(ctx: Ctx) {
  const actor = me(ctx);
  const row = await findAgentRow(ctx.db, ctx.tenantId, actor.userId);
  if (!row) throw new NotFoundError("Agent");
  const [view] = await agentViews(ctx.db, [row]);
  return {
    ...view!,
    permissions: [...actor.permissions].sort(),
    email_notifications: emailNotificationPrefs(row.preferences),
    signature: agentSignatureOf(row.preferences),
  };
}

export type ProfileInput = {
  first_name?: string | undefined;
  last_name?: string | undefined;
  current_password?: string | undefined;
  new_password?: string | undefined;
  /** Per-type switches; types left out keep their current value. */
  email_notifications?: Partial<EmailNotificationPrefs> | undefined;
  /** LibreDesk's profile form sends the email back: accepted only unchanged (an admin changes it). */
  email?: string | undefined;
  /** A picture stored by media/avatar.ts storeAvatar to become one's avatar; null removes the avatar. */
  avatar?: string | null | undefined;
};

/** Partial update of one's own profile; changing the password needs the current one. One transaction. */
export async function updateMe(ctx: Ctx, input: ProfileInput) {
  const actor = me(ctx);
  if (input.email !== undefined && input.email.trim().toLowerCase() !== actor.email.toLowerCase()) {
    throw new InputError("email: an agent's email is changed by an admin (PUT /api/v1/agents/{id})");
  }
  const set: UserSet = { updatedAt: ctx.clock.now() };
  if (input.first_name !== undefined) set.firstName = input.first_name;
  if (input.last_name !== undefined) set.lastName = input.last_name;
  if (input.email_notifications !== undefined) {
    // One jsonb merge in the UPDATE: concurrent changes to different types both stick.
    set.preferences = sql`jsonb_set(${users.preferences}, '{email_notifications}', coalesce(${users.preferences}->'email_notifications', '{}'::jsonb) || ${JSON.stringify(input.email_notifications)}::jsonb)`;
  }
  if (input.new_password !== undefined) {
    const row = await findAgentRow(ctx.db, ctx.tenantId, actor.userId);
    if (!(await verifyPassword(row?.passwordHash, input.current_password ?? ""))) {
      throw new InputError("current_password: does not match");
    }
    set.passwordHash = await hashPassword(input.new_password);
  }
  if (input.avatar !== undefined) {
    await changeAvatar(ctx, { ...set, avatarUrl: input.avatar === null ? null : avatarPath(input.avatar) });
  } else {
    await ctx.db
      .update(users)
      .set(set)
      .where(and(eq(users.id, actor.userId), eq(users.tenantId, ctx.tenantId)));
  }
  return getMe(ctx);
}

type UserSet = { [K in keyof typeof users.$inferInsert]?: (typeof users.$inferInsert)[K] | SQL };

/** Writes `set` (which holds the new avatar_url) and takes the avatar into use, releasing the one it replaces. */
async function changeAvatar(ctx: Ctx, set: UserSet & { avatarUrl: string | null }) {
  const actor = me(ctx);
  const mine = and(eq(users.id, actor.userId), eq(users.tenantId, ctx.tenantId));
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select({ avatarUrl: users.avatarUrl }).from(users).where(mine).for("update");
    await tx.update(users).set(set).where(mine);
    await swapAvatar(tx, ctx.tenantId, row?.avatarUrl ?? null, set.avatarUrl, ctx.clock.now());
  });
}

/**
 * Sets one's availability, from HelperIQ's `online | away | offline` or LibreDesk's finer status (kept so
 * its UI reads back what it set; see availability.ts).
 */
export async function setAvailability(
  ctx: Ctx,
  choice: { availability: (typeof AVAILABILITIES)[number] } | { status: AvailabilityStatus },
) {
  const actor = me(ctx);
  const status: string = "status" in choice ? choice.status : choice.availability;
  const availability = "status" in choice ? AVAILABILITY_STATUSES[choice.status] : choice.availability;
  await ctx.db
    .update(users)
    .set({
      availability,
      // The path is a constant key, not input.
      preferences: sql`jsonb_set(${users.preferences}, ${sql.raw(`'{${STATUS_PREFERENCE}}'`)}, ${JSON.stringify(status)}::jsonb)`,
      lastActiveAt: ctx.clock.now(),
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(users.id, actor.userId), eq(users.tenantId, ctx.tenantId)));
  return getMe(ctx);
}

export async function deleteAvatar(ctx: Ctx) {
  await changeAvatar(ctx, { avatarUrl: null, updatedAt: ctx.clock.now() });
  return getMe(ctx);
}

/** Registers a device's push token for the signed-in agent (a token moves if another agent had it). */
export async function addPushToken(ctx: Ctx, token: string, platform: "ios" | "android" | "web") {
  const actor = me(ctx);
  await ctx.db.transaction(async (tx) => {
    await tx.delete(pushTokens).where(and(eq(pushTokens.tenantId, ctx.tenantId), eq(pushTokens.token, token)));
    await tx.insert(pushTokens).values({ tenantId: ctx.tenantId, userId: actor.userId, token, platform });
  });
}

export async function removePushToken(ctx: Ctx, token: string) {
  const actor = me(ctx);
  await ctx.db.delete(pushTokens).where(and(eq(pushTokens.userId, actor.userId), eq(pushTokens.token, token)));
}

/**
 * Everyone's short form, for pickers and LibreDesk's agent admin list (which renders it): every agent not
 * deleted, disabled ones too, flagged by `enabled` (pickers leave those out). The System user is not an agent.
 */
export async function listAgentsCompact(ctx: Ctx) {
  const rows = await ctx.db
    .select({
      id: users.id,
      type: users.type,
      first_name: users.firstName,
      last_name: users.lastName,
      email: users.email,
      enabled: users.enabled,
      avatar_url: users.avatarUrl,
      availability: users.availability,
      preferences: users.preferences,
      created_at: users.createdAt,
      updated_at: users.updatedAt,
    })
    .from(users)
    .where(and(eq(users.tenantId, ctx.tenantId), eq(users.type, "agent"), isNull(users.deletedAt)))
    .orderBy(asc(users.firstName), asc(users.id));
  return rows.map(({ preferences, created_at, updated_at, ...agent }) => ({
    ...agent,
    availability_status: availabilityStatus(agent.availability, preferences),
    created_at: iso(created_at),
    updated_at: iso(updated_at),
  }));
}
