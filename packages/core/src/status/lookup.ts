import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context/index.ts";
import { InputError } from "../errors/index.ts";
import type { Db } from "../port/database.ts";
import { statuses, type SystemStatus } from "./status.sql.ts";

export type Status = { id: number; name: string; systemKey: SystemStatus | null };

/** A status of the workspace by id or (case-insensitive) name; a miss is a 400 naming `field`. */
export async function findStatus(
  ctx: Pick<Ctx, "db" | "tenantId">,
  ref: string | number,
  field = "status",
): Promise<Status> {
  const rows = await ctx.db
    .select({ id: statuses.id, name: statuses.name, systemKey: statuses.systemKey })
    .from(statuses)
    .where(eq(statuses.tenantId, ctx.tenantId));
  const hit = rows.find((s) =>
    typeof ref === "number" ? s.id === ref : s.name.toLowerCase() === ref.trim().toLowerCase(),
  );
  if (!hit) throw new InputError(`${field}: no status ${JSON.stringify(ref)} in this workspace`);
  return hit;
}

export async function systemStatus(db: Db, tenantId: number, key: SystemStatus): Promise<Status> {
  const [row] = await db
    .select({ id: statuses.id, name: statuses.name, systemKey: statuses.systemKey })
    .from(statuses)
    .where(and(eq(statuses.tenantId, tenantId), eq(statuses.systemKey, key)));
  return row!;
}
