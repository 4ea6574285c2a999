/** Any pg-compatible client with a query method (node-postgres and Neon's Pool clients both qualify). */
type LockClient = { query(text: string): Promise<unknown>; release(): void };

// Arbitrary constant shared by every HelperIQ process: only one of them migrates at a time.
const MIGRATION_LOCK_ID = 4_815_162_342;

/** Runs `fn` while holding a session-level advisory lock on a dedicated connection. */
export async function withMigrationLock<T>(connect: () => Promise<LockClient>, fn: () => Promise<T>): Promise<T> {
  const client = await connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_ID})`);
    try {
      return await fn();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
    }
  } finally {
    client.release();
  }
}
