import { and, asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { withUniqueName } from "../db/unique.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { priorities, statuses } from "./status.sql.ts";

export * from "./status.sql.ts";

type StatusRow = typeof statuses.$inferSelect;

export function statusView(row: StatusRow) {
  return {
    id: row.id,
    name: row.name,
    color: row.color,
    system: row.systemKey !== null,
    sort_order: row.sortOrder,
    show_on_send: row.showOnSend,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type StatusView = ReturnType<typeof statusView>;

/** The workspace's statuses in their admin-chosen order (`sort_order`, then id for ties). */
export async function listStatuses(ctx: Ctx): Promise<StatusView[]> {
  const rows = await ctx.db
    .select()
    .from(statuses)
    .where(eq(statuses.tenantId, ctx.tenantId))
    .orderBy(asc(statuses.sortOrder), asc(statuses.id));
  return rows.map(statusView);
}

/** A new status goes last in the order. */
export async function createStatus(
  ctx: Ctx,
  input: { name: string; color?: string | undefined; show_on_send?: boolean | undefined },
): Promise<StatusView> {
  const last = sql<number>`(select coalesce(max(${statuses.sortOrder}), 0) + 1 from ${statuses} where ${statuses.tenantId} = ${ctx.tenantId})`;
  const [row] = await withUniqueName("status", input.name, () =>
    ctx.db
      .insert(statuses)
      .values({
        tenantId: ctx.tenantId,
        name: input.name,
        sortOrder: last,
        ...(input.color ? { color: input.color } : {}),
        ...(input.show_on_send === undefined ? {} : { showOnSend: input.show_on_send }),
      })
      .returning(),
  );
  return statusView(row!);
}

export type StatusUpdate = {
  name?: string | undefined;
  color?: string | undefined;
  show_on_send?: boolean | undefined;
};

/**
 * System statuses may be renamed and recoloured; their behaviour follows `system_key`, not the name.
 * Snoozed cannot go on the send menu: a reply's `set_status` refuses it (it needs a duration).
 */
export async function updateStatus(ctx: Ctx, id: number, input: StatusUpdate): Promise<StatusView> {
  const { show_on_send, ...rest } = input;
  const [row] = await withUniqueName("status", input.name ?? "", () =>
    ctx.db.transaction(async (tx) => {
      const where = and(eq(statuses.id, id), eq(statuses.tenantId, ctx.tenantId));
      const [current] = await tx.select({ systemKey: statuses.systemKey }).from(statuses).where(where).for("update");
      if (!current) throw new NotFoundError("Status");
      if (show_on_send && current.systemKey === "Snoozed") {
        throw new InputError("show_on_send: Snoozed needs a duration, which a reply cannot give");
      }
      return tx
        .update(statuses)
        .set({
          ...rest,
          ...(show_on_send === undefined ? {} : { showOnSend: show_on_send }),
          updatedAt: ctx.clock.now(),
        })
        .where(where)
        .returning();
    }),
  );
  return statusView(row!);
}

/**
 * `PUT /statuses/reorder {ids}`: the listed statuses first, in that order, then the others in their current
 * order; every status gets its new position in one transaction (the rows locked, so two reorders do not
 * interleave). An id that is not a status of the workspace, or a repeated one, is a 400 naming it.
 */
export async function reorderStatuses(ctx: Ctx, ids: readonly number[]): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: statuses.id })
      .from(statuses)
      .where(eq(statuses.tenantId, ctx.tenantId))
      .orderBy(asc(statuses.sortOrder), asc(statuses.id))
      .for("update");
    const known = new Set(rows.map((r) => r.id));
    const seen = new Set<number>();
    ids.forEach((id, i) => {
      if (!known.has(id)) throw new InputError(`ids[${i}]: no status ${id} in this workspace`);
      if (seen.has(id)) throw new InputError(`ids[${i}]: status ${id} is listed twice`);
      seen.add(id);
    });
    const order = [...ids, ...rows.map((r) => r.id).filter((id) => !seen.has(id))];
    const now = ctx.clock.now();
    for (const [i, id] of order.entries()) {
      await tx
        .update(statuses)
        .set({ sortOrder: i + 1, updatedAt: now })
        .where(eq(statuses.id, id));
    }
  });
}

/**
 * Deletes custom status `id` of the workspace inside `tx`, under its row lock (404 when there is none, 400
 * for a system status). `release` runs first, under that lock, and moves what still has the status away:
 * the public operation is deleteStatus in conversation/cascade.ts, which moves its conversations to Open
 * and publishes that.
 */
export async function removeStatus(tx: Db, tenantId: number, id: number, release: () => Promise<void>): Promise<void> {
  const [row] = await tx
    .select({ id: statuses.id, systemKey: statuses.systemKey })
    .from(statuses)
    .where(and(eq(statuses.id, id), eq(statuses.tenantId, tenantId)))
    .for("update");
  if (!row) throw new NotFoundError("Status");
  if (row.systemKey) throw new InputError("id: system statuses cannot be deleted");
  await release();
  await tx.delete(statuses).where(eq(statuses.id, id));
}

export async function listPriorities(ctx: Pick<Ctx, "db">) {
  const rows = await ctx.db
    .select({ id: priorities.id, name: priorities.name })
    .from(priorities)
    .orderBy(asc(priorities.id));
  return rows;
}
