import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "../schema.ts";

/** A drizzle database (or transaction) over any of the three drivers; domain code sees only this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseDialect = "pglite" | "pg" | "neon";

export interface Database {
  readonly db: Db;
  readonly dialect: DatabaseDialect;
  /** Throws when the database does not answer `SELECT 1`. */
  ping(): Promise<void>;
  /** Applies pending migrations from packages/core/migrations; safe to call concurrently. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
