import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { iso } from "../db/iso.ts";
import { withUniqueName } from "../db/unique.ts";
import { InputError, NotFoundError } from "../errors/index.ts";
import { assertRolesStillManageable } from "./guard.ts";
import { isPermission } from "./permissions.ts";
import { roles, userRoles } from "./role.sql.ts";

export * from "./role.sql.ts";
export * from "./permissions.ts";

type RoleRow = typeof roles.$inferSelect;

export function roleView(row: RoleRow & { agentCount?: number }) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: row.permissions,
    system: row.system,
    ...(row.agentCount === undefined ? {} : { agent_count: row.agentCount }),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
export type RoleView = ReturnType<typeof roleView>;

export type RoleInput = { name: string; description?: string | undefined; permissions: string[] };

function checkPermissions(permissions: string[]): string[] {
  const unknown = permissions.find((p) => !isPermission(p));
  if (unknown !== undefined) throw new InputError(`permissions: unknown permission "${unknown}"`);
  return [...new Set(permissions)].sort();
}

const agentCount = sql<number>`(SELECT count(*)::int FROM ${userRoles} WHERE ${userRoles.roleId} = ${roles.id})`;

export async function listRoles(ctx: Ctx): Promise<RoleView[]> {
  const rows = await ctx.db
    .select({ role: roles, agentCount })
    .from(roles)
    .where(eq(roles.tenantId, ctx.tenantId))
    .orderBy(asc(roles.id));
  return rows.map((r) => roleView({ ...r.role, agentCount: r.agentCount }));
}

export async function getRole(ctx: Ctx, id: number): Promise<RoleView> {
  const [row] = await ctx.db
    .select({ role: roles, agentCount })
    .from(roles)
    .where(and(eq(roles.id, id), eq(roles.tenantId, ctx.tenantId)));
  if (!row) throw new NotFoundError("Role");
  return roleView({ ...row.role, agentCount: row.agentCount });
}

export async function createRole(ctx: Ctx, input: RoleInput): Promise<RoleView> {
  const permissions = checkPermissions(input.permissions);
  const [row] = await withUniqueName("role", input.name, () =>
    ctx.db
      .insert(roles)
      .values({ tenantId: ctx.tenantId, name: input.name, description: input.description ?? "", permissions })
      .returning(),
  );
  return roleView({ ...row!, agentCount: 0 });
}

/** The system roles keep their names; their permissions may change unless that locks every admin out. */
export async function updateRole(ctx: Ctx, id: number, input: Partial<RoleInput>): Promise<RoleView> {
  const permissions = input.permissions === undefined ? undefined : checkPermissions(input.permissions);
  await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(roles)
      .where(and(eq(roles.id, id), eq(roles.tenantId, ctx.tenantId)))
      .for("update");
    if (!current) throw new NotFoundError("Role");
    if (current.system && input.name !== undefined && input.name !== current.name) {
      throw new InputError("name: the system roles cannot be renamed");
    }
    await withUniqueName("role", input.name, () =>
      tx
        .update(roles)
        .set({
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.description === undefined ? {} : { description: input.description }),
          ...(permissions === undefined ? {} : { permissions }),
          updatedAt: ctx.clock.now(),
        })
        .where(eq(roles.id, id)),
    );
    await assertRolesStillManageable(tx, ctx.tenantId);
  });
  return getRole(ctx, id);
}

export async function deleteRole(ctx: Ctx, id: number): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ system: roles.system })
      .from(roles)
      .where(and(eq(roles.id, id), eq(roles.tenantId, ctx.tenantId)))
      .for("update");
    if (!current) throw new NotFoundError("Role");
    if (current.system) throw new InputError("id: the system roles cannot be deleted");
    await tx.delete(roles).where(eq(roles.id, id));
    await assertRolesStillManageable(tx, ctx.tenantId);
  });
}

/** Resolves role names of this workspace to ids; an unknown name is a 400 naming `field`. */
export async function roleIdsByName(
  ctx: Pick<Ctx, "db" | "tenantId">,
  names: string[],
  field = "roles",
): Promise<number[]> {
  if (names.length === 0) return [];
  const found = await ctx.db
    .select({ id: roles.id, name: roles.name })
    .from(roles)
    .where(and(eq(roles.tenantId, ctx.tenantId), inArray(roles.name, names)));
  const missing = names.find((n) => !found.some((r) => r.name === n));
  if (missing !== undefined) throw new InputError(`${field}: unknown role "${missing}"`);
  return found.map((r) => r.id);
}
