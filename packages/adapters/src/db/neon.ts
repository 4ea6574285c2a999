import { neonConfig, Pool } from "@neondatabase/serverless";
import type { Database, Db } from "@helperiq/core/port/index";
import { migrationsFolder } from "@helperiq/core/migrations";
import * as schema from "@helperiq/core/schema";
import { drizzle } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import { WebSocket } from "ws";
import { pooledDatabase } from "./pooled.ts";

/** Neon serverless (the cloud database): Postgres over WebSockets, pooled per Lambda container. */
export function openNeon(url: string, options: { max?: number } = {}): Database & { pool: Pool } {
  // Node 20 has no global WebSocket; `ws` works on every runtime. Tests may have set their own already.
  neonConfig.webSocketConstructor ??= WebSocket;
  const pool = new Pool({ connectionString: url, max: options.max ?? 5 });
  const db = drizzle({ client: pool, schema });
  return pooledDatabase(pool, "neon", db as unknown as Db, () => migrate(db, { migrationsFolder }));
}
