import type { Database, Db } from "@helperiq/core/port/index";
import { migrationsFolder } from "@helperiq/core/migrations";
import * as schema from "@helperiq/core/schema";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { withMigrationLock } from "./advisory-lock.ts";

/** Any PostgreSQL server (DATABASE_URL) through node-postgres' pool. */
export function openNodePostgres(url: string, options: { max?: number } = {}): Database & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client's network error must not crash the process; the pool drops that client.
  pool.on("error", (err) => console.error("[db] idle client error:", err.message));
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  return {
    db,
    pool,
    dialect: "pg",
    async ping() {
      await pool.query("SELECT 1");
    },
    async migrate() {
      await withMigrationLock(() => pool.connect(), () => migrate(drizzle({ client: pool, schema }), { migrationsFolder }));
    },
    async close() {
      await pool.end();
    },
  };
}
