import { and, asc, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { conversations } from "../conversation/conversation.sql.ts";
import { iso } from "../db/iso.ts";
import { withUniqueName } from "../db/unique.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { systemStatus } from "./lookup.ts";
import { priorities, statuses } from "./status.sql.ts";

export * from "./status.sql.ts";

type StatusRow = typeof statuses.$inferSelect;

export function statusView(row: StatusRow) {
  return {
    id: row.id,
    name: row.name,
    color: row.color,
    system: row.systemKey !== null,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type StatusView = ReturnType<typeof statusView>;

export async function listStatuses(ctx: Ctx): Promise<StatusView[]> {
  const rows = await ctx.db.select().from(statuses).where(eq(statuses.tenantId, ctx.tenantId)).orderBy(asc(statuses.id));
  return rows.map(statusView);
}

export async function createStatus(ctx: Ctx, input: { name: string; color?: string | undefined }): Promise<StatusView> {
  const [row] = await withUniqueName("status", input.name, () =>
    ctx.db
      .insert(statuses)
      .values({ tenantId: ctx.tenantId, name: input.name, ...(input.color ? { color: input.color } : {}) })
      .returning(),
  );
  return statusView(row!);
}

/** System statuses may be renamed and recoloured; their behaviour follows `system_key`, not the name. */
export async function updateStatus(
  ctx: Ctx,
  id: number,
  input: { name?: string | undefined; color?: string | undefined },
): Promise<StatusView> {
  const [row] = await withUniqueName("status", input.name ?? "", () =>
    ctx.db
      .update(statuses)
      .set({ ...input, updatedAt: ctx.clock.now() })
      .where(and(eq(statuses.id, id), eq(statuses.tenantId, ctx.tenantId)))
      .returning(),
  );
  if (!row) throw new NotFoundError("Status");
  return statusView(row);
}

/** Deletes a custom status after moving its conversations to Open, in one transaction. */
export async function deleteStatus(ctx: Ctx, id: number): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: statuses.id, systemKey: statuses.systemKey })
      .from(statuses)
      .where(and(eq(statuses.id, id), eq(statuses.tenantId, ctx.tenantId)))
      .for("update");
    if (!row) throw new NotFoundError("Status");
    if (row.systemKey) throw new InputError("id: system statuses cannot be deleted");
    const open = await systemStatus(tx, ctx.tenantId, "Open");
    await tx
      .update(conversations)
      .set({ statusId: open.id, updatedAt: ctx.clock.now() })
      .where(and(eq(conversations.tenantId, ctx.tenantId), eq(conversations.statusId, id)));
    await tx.delete(statuses).where(eq(statuses.id, id));
  });
}

export async function listPriorities(ctx: Pick<Ctx, "db">) {
  const rows = await ctx.db.select({ id: priorities.id, name: priorities.name }).from(priorities).orderBy(asc(priorities.id));
  return rows;
}
