import { and, eq, or } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { NotFoundError } from "../errors/index.ts";
import { views } from "../view/view.sql.ts";

/** The saved filters of a view the caller may use: a shared one, or one of their own. */
export async function viewFilters(ctx: Ctx, viewId: number): Promise<unknown[]> {
  const me = ctx.actor.type === "agent" ? ctx.actor.userId : 0;
  const [view] = await ctx.db
    .select({ filters: views.filters })
    .from(views)
    .where(and(eq(views.id, viewId), eq(views.tenantId, ctx.tenantId), or(eq(views.visibility, "all"), eq(views.userId, me))));
  if (!view) throw new NotFoundError("View");
  return view.filters;
}
