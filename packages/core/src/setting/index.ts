import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../port/database.ts";
import { settings } from "./setting.sql.ts";

export * from "./setting.sql.ts";

export async function getSetting<T>(db: Db, tenantId: number, key: string): Promise<T | undefined> {
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(and(eq(settings.tenantId, tenantId), eq(settings.key, key)))
    .limit(1);
  return row?.value as T | undefined;
}

export async function putSetting(db: Db, tenantId: number, key: string, value: unknown): Promise<void> {
  await db
    .insert(settings)
    .values({ tenantId, key, value })
    .onConflictDoUpdate({ target: [settings.tenantId, settings.key], set: { value, updatedAt: sql`now()` } });
}

/** Shallow-merges `patch` into the stored object in one statement (concurrent partial updates both land). */
export async function mergeSetting<T extends Record<string, unknown>>(
  db: Db,
  tenantId: number,
  key: string,
  patch: Partial<T>,
): Promise<Partial<T>> {
  const [row] = await db
    .insert(settings)
    .values({ tenantId, key, value: patch })
    .onConflictDoUpdate({
      target: [settings.tenantId, settings.key],
      set: { value: sql`${settings.value} || excluded.value`, updatedAt: sql`now()` },
    })
    .returning({ value: settings.value });
  return row!.value as Partial<T>;
}
