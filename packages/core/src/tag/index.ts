import { and, asc, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { withUniqueName } from "../db/unique.ts";
import { NotFoundError } from "../errors/index.ts";
import { tags } from "./tag.sql.ts";

export * from "./tag.sql.ts";

type TagRow = typeof tags.$inferSelect;

export function tagView(row: TagRow) {
  return { id: row.id, name: row.name, created_at: iso(row.createdAt), updated_at: iso(row.updatedAt) };
}
export type TagView = ReturnType<typeof tagView>;

export async function listTags(ctx: Ctx): Promise<TagView[]> {
  const rows = await ctx.db.select().from(tags).where(eq(tags.tenantId, ctx.tenantId)).orderBy(asc(tags.name));
  return rows.map(tagView);
}

export async function createTag(ctx: Ctx, name: string): Promise<TagView> {
  const [row] = await withUniqueName("tag", name, () =>
    ctx.db.insert(tags).values({ tenantId: ctx.tenantId, name }).returning(),
  );
  return tagView(row!);
}

export async function renameTag(ctx: Ctx, id: number, name: string): Promise<TagView> {
  const [row] = await withUniqueName("tag", name, () =>
    ctx.db
      .update(tags)
      .set({ name, updatedAt: ctx.clock.now() })
      .where(and(eq(tags.id, id), eq(tags.tenantId, ctx.tenantId)))
      .returning(),
  );
  if (!row) throw new NotFoundError("Tag");
  return tagView(row);
}

/** Deleting a tag removes it from every conversation (the join rows cascade). */
export async function deleteTag(ctx: Ctx, id: number): Promise<void> {
  const rows = await ctx.db
    .delete(tags)
    .where(and(eq(tags.id, id), eq(tags.tenantId, ctx.tenantId)))
    .returning({ id: tags.id });
  if (rows.length === 0) throw new NotFoundError("Tag");
}
