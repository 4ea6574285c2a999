import { fileURLToPath } from "node:url";

/** Folder of drizzle-kit's SQL migrations; bundled deployments point MIGRATIONS_DIR at their copy. */
export const migrationsFolder: string =
  process.env.MIGRATIONS_DIR ?? fileURLToPath(new URL("../migrations", import.meta.url));
