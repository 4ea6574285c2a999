import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { withUniqueName } from "../db/unique.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { users } from "../user/user.sql.ts";
import { teamMembers, teams } from "./team.sql.ts";

export * from "./team.sql.ts";

type TeamRow = typeof teams.$inferSelect;
type Member = { id: number; first_name: string; last_name: string; avatar_url: string | null };

export function teamView(row: TeamRow, members?: Member[]) {
  return {
    id: row.id,
    name: row.name,
    emoji: row.emoji,
    timezone: row.timezone,
    ...(members ? { members } : {}),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type TeamView = ReturnType<typeof teamView>;

export type TeamInput = {
  name: string;
  emoji?: string | undefined;
  timezone?: string | null | undefined;
  members?: number[] | undefined;
};

async function membersOf(db: Db, teamIds: number[]): Promise<Map<number, Member[]>> {
  const out = new Map<number, Member[]>(teamIds.map((id) => [id, []]));
  if (teamIds.length === 0) return out;
  const rows = await db
    .select({
      teamId: teamMembers.teamId,
      id: users.id,
      first_name: users.firstName,
      last_name: users.lastName,
      avatar_url: users.avatarUrl,
    })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(inArray(teamMembers.teamId, teamIds), isNull(users.deletedAt)))
    .orderBy(asc(users.firstName), asc(users.id));
  for (const { teamId, ...m } of rows) out.get(teamId)!.push(m);
  return out;
}

export async function listTeams(ctx: Ctx): Promise<TeamView[]> {
  const rows = await ctx.db.select().from(teams).where(eq(teams.tenantId, ctx.tenantId)).orderBy(asc(teams.name));
  const members = await membersOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => teamView(r, members.get(r.id)));
}

/** Every team's short form (pickers); LibreDesk's UI also reads its dates and default inbox (HelperIQ teams have none). */
export async function listTeamsCompact(ctx: Ctx) {
  const rows = await ctx.db
    .select({
      id: teams.id,
      name: teams.name,
      emoji: teams.emoji,
      created_at: teams.createdAt,
      updated_at: teams.updatedAt,
    })
    .from(teams)
    .where(eq(teams.tenantId, ctx.tenantId))
    .orderBy(asc(teams.name));
  return rows.map((t) => ({
    ...t,
    default_inbox_id: null,
    created_at: iso(t.created_at),
    updated_at: iso(t.updated_at),
  }));
}

export async function getTeam(ctx: Ctx, id: number): Promise<TeamView> {
  const [row] = await ctx.db
    .select()
    .from(teams)
    .where(and(eq(teams.id, id), eq(teams.tenantId, ctx.tenantId)));
  if (!row) throw new NotFoundError("Team");
  return teamView(row, (await membersOf(ctx.db, [id])).get(id));
}

/** Replaces the whole member set; every id must be an agent of this workspace. */
async function replaceMembers(tx: Db, tenantId: number, teamId: number, memberIds: number[]) {
  const ids = [...new Set(memberIds)];
  if (ids.length) {
    const found = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(inArray(users.id, ids), eq(users.tenantId, tenantId), eq(users.type, "agent"), isNull(users.deletedAt)),
      );
    const missing = ids.find((id) => !found.some((f) => f.id === id));
    if (missing !== undefined) throw new InputError(`members: no agent with id ${missing}`);
  }
  await tx.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
  if (ids.length) await tx.insert(teamMembers).values(ids.map((userId) => ({ tenantId, teamId, userId })));
}

export async function createTeam(ctx: Ctx, input: TeamInput): Promise<TeamView> {
  const id = await ctx.db.transaction(async (tx) => {
    const [row] = await withUniqueName("team", input.name, () =>
      tx
        .insert(teams)
        .values({
          tenantId: ctx.tenantId,
          name: input.name,
          emoji: input.emoji ?? "",
          timezone: input.timezone ?? null,
        })
        .returning({ id: teams.id }),
    );
    await replaceMembers(tx, ctx.tenantId, row!.id, input.members ?? []);
    return row!.id;
  });
  return getTeam(ctx, id);
}

export async function updateTeam(ctx: Ctx, id: number, input: Partial<TeamInput>): Promise<TeamView> {
  await ctx.db.transaction(async (tx) => {
    const updated = await withUniqueName("team", input.name, () =>
      tx
        .update(teams)
        .set({
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.emoji === undefined ? {} : { emoji: input.emoji }),
          ...(input.timezone === undefined ? {} : { timezone: input.timezone }),
          updatedAt: ctx.clock.now(),
        })
        .where(and(eq(teams.id, id), eq(teams.tenantId, ctx.tenantId)))
        .returning({ id: teams.id }),
    );
    if (updated.length === 0) throw new NotFoundError("Team");
    if (input.members !== undefined) await replaceMembers(tx, ctx.tenantId, id, input.members);
  });
  return getTeam(ctx, id);
}

/**
 * Deletes team `id` of the workspace inside `tx`, under its row lock (404 when there is none). `release`
 * runs first, under that lock, and moves what still points at the team away: the public operation is
 * deleteTeam in conversation/cascade.ts, which unassigns the team's conversations and publishes that.
 */
export async function removeTeam(tx: Db, tenantId: number, id: number, release: () => Promise<void>): Promise<void> {
  const [row] = await tx
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.id, id), eq(teams.tenantId, tenantId)))
    .for("update");
  if (!row) throw new NotFoundError("Team");
  await release();
  await tx.delete(teams).where(eq(teams.id, id));
}

/** Resolves team ids or names of this workspace; an unknown one is a 400 naming `field`. */
export async function teamIdsByRef(
  ctx: Pick<Ctx, "db" | "tenantId">,
  refs: (string | number)[],
  field = "teams",
): Promise<number[]> {
  if (refs.length === 0) return [];
  const rows = await ctx.db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(eq(teams.tenantId, ctx.tenantId));
  return refs.map((ref) => {
    const hit = rows.find((t) => (typeof ref === "number" ? t.id === ref : t.name.toLowerCase() === ref.toLowerCase()));
    if (!hit) throw new InputError(`${field}: unknown team ${JSON.stringify(ref)}`);
    return hit.id;
  });
}
