import type { Database, Db } from "@helperiq/core/port/index";
import { migrationsFolder } from "@helperiq/core/migrations";
import * as schema from "@helperiq/core/schema";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { pooledDatabase } from "./pooled.ts";

/** Any PostgreSQL server (DATABASE_URL) through node-postgres' pool. */
export function openNodePostgres(url: string, options: { max?: number } = {}): Database & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  const db = drizzle({ client: pool, schema });
  return pooledDatabase(pool, "pg", db as unknown as Db, () => migrate(db, { migrationsFolder }));
}
