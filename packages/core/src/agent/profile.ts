import { and, asc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import type { AgentActor, Ctx } from "../context/index.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { emailNotificationPrefs, type EmailNotificationPrefs } from "../notification/mail.ts";
import { pushTokens } from "../notification/notification.sql.ts";
import { users, type AVAILABILITIES } from "../user/user.sql.ts";
import { agentSignatureOf } from "./signature.ts";
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
};

/** Partial update of one's own profile; changing the password needs the current one. */
export async function updateMe(ctx: Ctx, input: ProfileInput) {
  const actor = me(ctx);
  const set: { [K in keyof typeof users.$inferInsert]?: (typeof users.$inferInsert)[K] | SQL } = { updatedAt: ctx.clock.now() };
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
  await ctx.db.update(users).set(set).where(and(eq(users.id, actor.userId), eq(users.tenantId, ctx.tenantId)));
  return getMe(ctx);
}

export async function setAvailability(ctx: Ctx, availability: (typeof AVAILABILITIES)[number]) {
  const actor = me(ctx);
  await ctx.db
    .update(users)
    .set({ availability, lastActiveAt: ctx.clock.now(), updatedAt: ctx.clock.now() })
    .where(and(eq(users.id, actor.userId), eq(users.tenantId, ctx.tenantId)));
  return getMe(ctx);
}

export async function deleteAvatar(ctx: Ctx) {
  const actor = me(ctx);
  await ctx.db
    .update(users)
    .set({ avatarUrl: null, updatedAt: ctx.clock.now() })
    .where(and(eq(users.id, actor.userId), eq(users.tenantId, ctx.tenantId)));
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
  await ctx.db
    .delete(pushTokens)
    .where(and(eq(pushTokens.userId, actor.userId), eq(pushTokens.token, token)));
}

/** Everyone's short form for pickers (assignee menus, mentions): enabled agents only. */
export async function listAgentsCompact(ctx: Ctx) {
  return ctx.db
    .select({
      id: users.id,
      first_name: users.firstName,
      last_name: users.lastName,
      avatar_url: users.avatarUrl,
      availability: users.availability,
    })
    .from(users)
    .where(and(eq(users.tenantId, ctx.tenantId), eq(users.type, "agent"), eq(users.enabled, true), isNull(users.deletedAt)))
    .orderBy(asc(users.firstName), asc(users.id));
}
