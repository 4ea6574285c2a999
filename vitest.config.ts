import { defineConfig } from "vitest/config";

/**
 * One config, two databases: TEST_DB=pglite (default) or TEST_DB=pg (a PostgreSQL server with pgvector,
 * started by the global setup). `npm test` runs the suites once on each.
 */
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "packages/*/src/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
