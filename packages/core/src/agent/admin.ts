import { and, asc, desc, eq, isNull, or, sql } from "drizzle-orm";
import { issueApiKey, revokeApiKeys } from "../auth/api-key.ts";
import { hashPassword } from "../auth/password.ts";
import { deleteUserSessions } from "../auth/session.ts";
import type { Ctx } from "../context/index.ts";
import { unassignAgent } from "../conversation/cascade.ts";
import { iso } from "../db/iso.ts";
import { transaction, within } from "../db/transaction.ts";
import { isUniqueViolation } from "../db/unique.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { offsetOf, pageResult, type PageRequest } from "../page/index.ts";
import type { Db } from "../port/database.ts";
import { assertRolesStillManageable } from "../role/guard.ts";
import { assertAgentSeat } from "./seats.ts";
import { roleIdsByName } from "../role/index.ts";
import { userRoles } from "../role/role.sql.ts";
import { teamIdsByRef } from "../team/index.ts";
import { teamMembers } from "../team/team.sql.ts";
import { users } from "../user/user.sql.ts";
import { agentViews, findAgentRow, type AgentView } from "./view.ts";

export const AGENT_ORDER = {
  first_name: users.firstName,
  email: users.email,
  created_at: users.createdAt,
  last_active_at: users.lastActiveAt,
} as const;
export type AgentOrder = keyof typeof AGENT_ORDER;
export const AGENT_ORDER_KEYS = Object.keys(AGENT_ORDER) as [AgentOrder, ...AgentOrder[]];

const live = (tenantId: number) => and(eq(users.tenantId, tenantId), eq(users.type, "agent"), isNull(users.deletedAt));

/**
 * A page of the workspace's agents; `search` keeps those whose full name or email contains it (case-insensitive,
 * a plain substring: strpos, so `%` and `_` are matched literally).
 */
export async function listAgents(
  ctx: Ctx,
  q: PageRequest & { orderBy: AgentOrder; order: "asc" | "desc"; search?: string | undefined },
) {
  const dir = q.order === "asc" ? asc : desc;
  const needle = q.search?.trim().toLowerCase();
  const where = needle
    ? and(
        live(ctx.tenantId),
        or(
          sql`strpos(lower(${users.firstName} || ' ' || ${users.lastName}), ${needle}) > 0`,
          sql`strpos(lower(${users.email}), ${needle}) > 0`,
        ),
      )
    : live(ctx.tenantId);
  const [rows, [count]] = await Promise.all([
    ctx.db
      .select()
      .from(users)
      .where(where)
      .orderBy(sql`${dir(AGENT_ORDER[q.orderBy])} NULLS LAST`, asc(users.id))
      .limit(q.pageSize)
      .offset(offsetOf(q)),
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(users).where(where),
  ]);
  return pageResult(await agentViews(ctx.db, rows), count!.n, q);
}

export async function getAgent(ctx: Ctx, id: number): Promise<AgentView> {
  const row = await findAgentRow(ctx.db, ctx.tenantId, id);
  if (!row || row.deletedAt) throw new NotFoundError("Agent");
  return (await agentViews(ctx.db, [row]))[0]!;
}

export type AgentInput = {
  first_name: string;
  last_name?: string | undefined;
  email: string;
  roles: string[];
  teams?: (string | number)[] | undefined;
  enabled?: boolean | undefined;
  password?: string | undefined;
};

async function setRolesAndTeams(tx: Db, ctx: Ctx, userId: number, input: Partial<AgentInput>) {
  const scope = { db: tx, tenantId: ctx.tenantId };
  if (input.roles !== undefined) {
    if (input.roles.length === 0) throw new InputError("roles: an agent needs at least one role");
    const roleIds = await roleIdsByName(scope, [...new Set(input.roles)]);
    await tx.delete(userRoles).where(eq(userRoles.userId, userId));
    await tx.insert(userRoles).values(roleIds.map((roleId) => ({ tenantId: ctx.tenantId, userId, roleId })));
  }
  if (input.teams !== undefined) {
    const teamIds = [...new Set(await teamIdsByRef(scope, input.teams))];
    await tx.delete(teamMembers).where(eq(teamMembers.userId, userId));
    if (teamIds.length)
      await tx.insert(teamMembers).values(teamIds.map((teamId) => ({ tenantId: ctx.tenantId, teamId, userId })));
  }
}

function duplicateEmail(err: unknown): never {
  if (isUniqueViolation(err)) throw new InputError("email: an agent with this email already exists");
  throw err;
}

/** Creates an agent inside an open transaction (the CSV import reuses it per row). */
export async function insertAgent(tx: Db, ctx: Ctx, input: AgentInput): Promise<number> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  if (input.enabled ?? true) await assertAgentSeat(tx, ctx.tenantId);
  const [row] = await tx
    .insert(users)
    .values({
      tenantId: ctx.tenantId,
      type: "agent",
      email: input.email.trim(),
      firstName: input.first_name,
      lastName: input.last_name ?? "",
      enabled: input.enabled ?? true,
      passwordHash,
    })
    .returning({ id: users.id })
    .catch(duplicateEmail);
  await setRolesAndTeams(tx, ctx, row!.id, input);
  return row!.id;
}

export async function createAgent(ctx: Ctx, input: AgentInput): Promise<AgentView> {
  const id = await ctx.db.transaction((tx) => insertAgent(tx, ctx, input));
  return getAgent(ctx, id);
}

/** Partial update; disabling or changing roles is refused if it would lock every admin out. */
export async function updateAgent(ctx: Ctx, id: number, input: Partial<AgentInput>): Promise<AgentView> {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  await ctx.db.transaction(async (tx) => {
    const current = await findAgentRow(tx, ctx.tenantId, id);
    if (!current || current.deletedAt) throw new NotFoundError("Agent");
    if (input.enabled === true && !current.enabled) await assertAgentSeat(tx, ctx.tenantId);
    await tx
      .update(users)
      .set({
        ...(input.first_name === undefined ? {} : { firstName: input.first_name }),
        ...(input.last_name === undefined ? {} : { lastName: input.last_name }),
        ...(input.email === undefined ? {} : { email: input.email.trim() }),
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
        ...(passwordHash === undefined ? {} : { passwordHash }),
        updatedAt: ctx.clock.now(),
      })
      .where(eq(users.id, id))
      .catch(duplicateEmail);
    await setRolesAndTeams(tx, ctx, id, input);
    if (input.enabled === false) await deleteUserSessions(tx, id);
    await assertRolesStillManageable(tx, ctx.tenantId);
  });
  return getAgent(ctx, id);
}

/**
 * Soft delete: the agent can no longer sign in and every session and API key stops working at once; their
 * messages keep their author, their open conversations go back to the unassigned queue.
 */
export async function deleteAgent(ctx: Ctx, id: number): Promise<void> {
  if (ctx.actor.type === "agent" && ctx.actor.userId === id) throw new InputError("id: you cannot delete yourself");
  await transaction(ctx, async (tx, after) => {
    const current = await findAgentRow(tx, ctx.tenantId, id);
    if (!current || current.deletedAt) throw new NotFoundError("Agent");
    const now = ctx.clock.now();
    await tx
      .update(users)
      .set({ deletedAt: now, enabled: false, availability: "offline", updatedAt: now })
      .where(eq(users.id, id));
    await unassignAgent(within(ctx, tx, after), id);
    await tx.delete(teamMembers).where(eq(teamMembers.userId, id));
    await deleteUserSessions(tx, id);
    await revokeApiKeys(tx, id, now);
    await assertRolesStillManageable(tx, ctx.tenantId);
  });
}

/** Issues the agent's admin key (plaintext returned once); the previous admin-issued key is revoked. */
export async function issueAgentApiKey(ctx: Ctx, id: number) {
  await getAgent(ctx, id);
  const key = await issueApiKey(ctx.db, { tenantId: ctx.tenantId, userId: id, kind: "admin", now: ctx.clock.now() });
  return { id: key.id, api_key: key.key, prefix: key.prefix, created_at: iso(key.createdAt) };
}

export async function revokeAgentApiKey(ctx: Ctx, id: number): Promise<{ revoked: number }> {
  await getAgent(ctx, id);
  return { revoked: await revokeApiKeys(ctx.db, id, ctx.clock.now(), "admin") };
}
