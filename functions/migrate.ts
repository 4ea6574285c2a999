import { openNeon } from "@helperiq/adapters/db/neon";
import { databaseUrl } from "./database.ts";

/**
 * Applies pending migrations; infra/database.ts invokes it on every deploy. The SQL files ship with the
 * function (copyFiles) and MIGRATIONS_DIR points at them. Concurrent runs serialise on an advisory lock.
 */
export async function handler(): Promise<{ migrated: true }> {
  const database = openNeon(databaseUrl());
  try {
    await database.migrate();
    return { migrated: true };
  } finally {
    await database.close();
  }
}
