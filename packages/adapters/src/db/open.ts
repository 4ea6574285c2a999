import type { Database } from "@helperiq/core/port/index";

/**
 * Picks the database adapter from configuration: DATABASE_URL → a Postgres server (node-postgres, or
 * Neon's driver when DATABASE_DRIVER=neon); otherwise the embedded PGlite persisted under `dataDir`.
 */
export async function openDatabase(config: {
  databaseUrl?: string | undefined;
  driver?: string | undefined;
  dataDir: string;
}): Promise<Database> {
  if (config.databaseUrl) {
    if (config.driver === "neon") return (await import("./neon.ts")).openNeon(config.databaseUrl);
    return (await import("./node-postgres.ts")).openNodePostgres(config.databaseUrl);
  }
  return (await import("./pglite.ts")).openPglite({ dataDir: config.dataDir });
}
