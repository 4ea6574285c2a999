import { openNeon } from "@helperiq/adapters/db/neon";
import type { Database } from "@helperiq/core/port/index";

// Imported directly, never through adapters/db/open.ts: that one can reach PGlite, which must stay out of Lambda bundles.

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (sst secret set DatabaseUrl <neon connection string>)");
  return url;
}

let shared: Database | undefined;

/** The Neon pool of this Lambda container: opened on first use (no connection is made until a query), then reused. */
export function sharedDatabase(): Database {
  shared ??= openNeon(databaseUrl());
  return shared;
}
