import type { Database } from "@helperiq/core/port/index";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../support/test-db.ts";

/**
 * Deleting a row makes PostgreSQL look up every row referencing it, one lookup per deleted row and foreign
 * key; without an index leading with the referencing column each lookup reads the whole referencing table,
 * every workspace's rows included. A purge deletes whole workspaces (100k messages, thousands of users), so
 * one such key turned it from seconds into minutes (messages.sender_id: every deleted user read all messages).
 * The tenant_id keys are among them: the purge and the export also read each tenant-owned table by it.
 */

/** Foreign keys whose referenced rows are never deleted, so nothing ever looks their referencing rows up. */
const NEVER_DELETED: Record<string, string> = {
  "conversations.priority_id": "priorities are a fixed list of four rows, shared by every workspace",
};

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Leading columns of every index of the public schema, as `table: [column numbers…]`. */
async function indexes() {
  const list = await rows<{ table: string; keys: string }>(sql`
    SELECT c.relname AS table, i.indkey::text AS keys
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public'`);
  return list.map((x) => ({ table: x.table, keys: x.keys.split(" ").map(Number) }));
}

describe("foreign keys", () => {
  it("each have an index leading with their columns, so deleting what they reference is no table scan", async () => {
    const fks = await rows<{ table: string; columns: string; keys: string }>(sql`
      SELECT c.conrelid::regclass::text AS table, c.conkey::text AS keys,
        (SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
         WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)) AS columns
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`);
    expect(fks.length).toBeGreaterThan(50);
    const all = await indexes();
    const unindexed = fks
      .filter((fk) => {
        const keys = fk.keys.replace(/[{}]/g, "").split(",").map(Number);
        return !all.some((ix) => ix.table === fk.table && keys.every((k) => ix.keys.slice(0, keys.length).includes(k)));
      })
      .map((fk) => `${fk.table}.${fk.columns}`)
      .filter((name) => !(name in NEVER_DELETED));
    expect(unindexed).toEqual([]);
  });
});
