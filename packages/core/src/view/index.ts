import { and, asc, count, eq, type SQL } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { checkViewFilters } from "./filters.ts";
import { views } from "./view.sql.ts";

export * from "./view.sql.ts";

type ViewRow = typeof views.$inferSelect;

export function savedView(row: ViewRow) {
  return {
    id: row.id,
    name: row.name,
    filters: row.filters,
    visibility: row.visibility,
    user_id: row.userId,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type SavedView = ReturnType<typeof savedView>;

export type ViewInput = { name: string; filters: unknown[] };

/** Personal views belong to one agent and only they see them; shared views are the workspace's. */
export type ViewScope = "personal" | "shared";

export const MAX_PERSONAL_VIEWS = 100;

function agentId(ctx: Ctx): number {
  if (ctx.actor.type !== "agent") throw new InputError("views belong to agents");
  return ctx.actor.userId;
}

function inScope(ctx: Ctx, scope: ViewScope): SQL | undefined {
  return scope === "shared"
    ? and(eq(views.tenantId, ctx.tenantId), eq(views.visibility, "all"))
    : and(eq(views.tenantId, ctx.tenantId), eq(views.visibility, "user"), eq(views.userId, agentId(ctx)));
}

export async function listViews(ctx: Ctx, scope: ViewScope): Promise<SavedView[]> {
  const rows = await ctx.db.select().from(views).where(inScope(ctx, scope)).orderBy(asc(views.name), asc(views.id));
  return rows.map(savedView);
}

export async function getView(ctx: Ctx, scope: ViewScope, id: number): Promise<SavedView> {
  const [row] = await ctx.db
    .select()
    .from(views)
    .where(and(eq(views.id, id), inScope(ctx, scope)));
  if (!row) throw new NotFoundError("View");
  return savedView(row);
}

/** A shared view records who created it in `user_id`. */
export async function createView(ctx: Ctx, scope: ViewScope, input: ViewInput): Promise<SavedView> {
  const filters = await checkViewFilters(ctx, input.filters);
  const userId = agentId(ctx);
  if (scope === "personal") {
    const [mine] = await ctx.db.select({ n: count() }).from(views).where(inScope(ctx, scope));
    if (mine!.n >= MAX_PERSONAL_VIEWS)
      throw new InputError(`name: at most ${MAX_PERSONAL_VIEWS} personal views per agent`);
  }
  const [row] = await ctx.db
    .insert(views)
    .values({
      tenantId: ctx.tenantId,
      name: input.name,
      filters,
      visibility: scope === "shared" ? "all" : "user",
      userId,
    })
    .returning();
  return savedView(row!);
}

export async function updateView(
  ctx: Ctx,
  scope: ViewScope,
  id: number,
  input: Partial<ViewInput>,
): Promise<SavedView> {
  const filters = input.filters === undefined ? undefined : await checkViewFilters(ctx, input.filters);
  const [row] = await ctx.db
    .update(views)
    .set({
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(filters === undefined ? {} : { filters }),
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(views.id, id), inScope(ctx, scope)))
    .returning();
  if (!row) throw new NotFoundError("View");
  return savedView(row);
}

export async function deleteView(ctx: Ctx, scope: ViewScope, id: number): Promise<void> {
  const rows = await ctx.db
    .delete(views)
    .where(and(eq(views.id, id), inScope(ctx, scope)))
    .returning({ id: views.id });
  if (rows.length === 0) throw new NotFoundError("View");
}
