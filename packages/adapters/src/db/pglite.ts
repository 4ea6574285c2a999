import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { vector } from "@electric-sql/pglite-pgvector";
import type { Database, Db } from "@helperiq/core/port/index";
import { migrationsFolder } from "@helperiq/core/migrations";
import * as schema from "@helperiq/core/schema";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";

export type PgliteOptions = {
  /** Directory to persist into; omitted means in memory. */
  dataDir?: string;
  /** A tarball from `dumpDataDir()` to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob | File;
};

/** The embedded database: Postgres compiled to WASM in this process, with `vector` and `pg_trgm`. */
export async function openPglite(options: PgliteOptions = {}): Promise<Database & { client: PGlite }> {
  const client = await PGlite.create(options.dataDir, {
    extensions: { vector, pg_trgm },
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    db,
    client,
    dialect: "pglite",
    async ping() {
      await client.query("SELECT 1");
    },
    async migrate() {
      await migrate(drizzle({ client, schema }), { migrationsFolder });
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}
