import { and, asc, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { tags } from "../tag/tag.sql.ts";
import { changeConversation, type ChangeTarget } from "./change.ts";
import { conversationTags } from "./conversation.sql.ts";

type Tag = { id: number; name: string };

async function tagsOf(db: Db, conversationId: number): Promise<Tag[]> {
  return db
    .select({ id: tags.id, name: tags.name })
    .from(conversationTags)
    .innerJoin(tags, eq(tags.id, conversationTags.tagId))
    .where(eq(conversationTags.conversationId, conversationId))
    .orderBy(asc(tags.name));
}

/**
 * Rewrites the tag set as `next(current names)` says. Every name must be an existing tag of the workspace
 * (case-insensitive; stricter than creating them on the fly): a miss is a 400 naming `field[i]`.
 */
export async function changeTags(
  ctx: Ctx,
  target: ChangeTarget,
  next: (current: string[]) => string[],
  field = "tags",
): Promise<boolean> {
  const known = await ctx.db.select({ id: tags.id, name: tags.name }).from(tags).where(eq(tags.tenantId, ctx.tenantId));
  const byName = new Map(known.map((t) => [t.name.toLowerCase(), t]));
  return changeConversation(ctx, target, async (row, tx, who) => {
    const current = await tagsOf(tx, row.id);
    const wanted = new Map<number, Tag>();
    for (const [i, name] of next(current.map((t) => t.name)).entries()) {
      const tag = byName.get(name.trim().toLowerCase());
      if (!tag) throw new InputError(`${field}[${i}]: no tag ${JSON.stringify(name)} in this workspace`);
      wanted.set(tag.id, tag);
    }
    const names = [...wanted.values()].map((t) => t.name).sort();
    if (names.join("\n") === current.map((t) => t.name).join("\n")) return null;
    return {
      set: {},
      changes: { tags: names },
      activity: {
        kind: "tags",
        text: names.length ? `${who} set tags to ${names.join(", ")}` : `${who} removed all tags`,
        meta: { tags: names },
      },
      also: async (db) => {
        await db.delete(conversationTags).where(and(eq(conversationTags.conversationId, row.id)));
        if (wanted.size) {
          await db
            .insert(conversationTags)
            .values([...wanted.keys()].map((tagId) => ({ tenantId: row.tenantId, conversationId: row.id, tagId })));
        }
      },
    };
  });
}

/** POST …/tags: replaces the whole set. */
export const setTags = (ctx: Ctx, target: ChangeTarget, names: string[]) => changeTags(ctx, target, () => names);
