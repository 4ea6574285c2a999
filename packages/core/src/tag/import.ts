import { InputError } from "../errors/index.ts";
import type { ImportSpec } from "../import/index.ts";
import { tags } from "./tag.sql.ts";

export const TAG_NAME_MAX = 64;

/** Tag CSV import: one `name` column; existing names (case-insensitively) are reported, not duplicated. */
export const tagImport: ImportSpec = {
  required: ["name"],
  async importRow(ctx, row) {
    const name = (row.name ?? "").trim();
    if (!name) throw new InputError("name: required");
    if (name.length > TAG_NAME_MAX) throw new InputError(`name: longer than ${TAG_NAME_MAX} characters`);
    const created = await ctx.db
      .insert(tags)
      .values({ tenantId: ctx.tenantId, name })
      .onConflictDoNothing()
      .returning({ id: tags.id });
    if (created.length === 0) throw new InputError(`name: a tag named "${name}" already exists`);
  },
};
