import type { Database, DatabaseDialect, Db } from "@helperiq/core/port/index";
import { withMigrationLock } from "./advisory-lock.ts";

type Pool = {
  query(text: string): Promise<unknown>;
  connect(): Promise<{ query(text: string): Promise<unknown>; release(): void }>;
  end(): Promise<void>;
  on(event: "error", listener: (err: Error) => void): unknown;
};

/** The Database port over a pg-compatible pool (node-postgres or Neon): same ping, locked migrate, close. */
export function pooledDatabase<P extends Pool>(
  pool: P,
  dialect: DatabaseDialect,
  db: Db,
  runMigrations: () => Promise<void>,
): Database & { pool: P } {
  // An idle client's network error must not crash the process; the pool drops that client.
  pool.on("error", (err) => console.error(`[db] idle ${dialect} client error:`, err.message));
  return {
    db,
    pool,
    dialect,
    async ping() {
      await pool.query("SELECT 1");
    },
    migrate: () => withMigrationLock(() => pool.connect(), runMigrations),
    close: () => pool.end(),
  };
}
