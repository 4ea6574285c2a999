import { defineConfig } from "vitest/config";

/**
 * One config, two databases: TEST_DB=pglite (default) or TEST_DB=pg (a PostgreSQL server with pgvector,
 * started by the global setup). `npm test` runs the suites once on each.
 *
 * Two projects, for time: importing the server's module graph costs a test file about 6 s, so most files share
 * their worker's modules (`isolate: false`: each file still opens its own database and app, and the server
 * keeps no state at module level that outlives an app). The `infra` suites stay isolated: they set
 * `process.env` for Lambda entries that cache what they read on first use, and run sst.config.ts with SST's
 * globals replaced, which must load afresh.
 */
const ISOLATED = ["tests/infra/**/*.test.ts"];
/**
 * Files left out of this run, comma-separated (scripts/test.sh uses it): Vitest's own `--exclude` does not reach
 * the projects' file lists.
 */
const EXCLUDE = (process.env.TEST_EXCLUDE ?? "").split(",").filter(Boolean);

export default defineConfig({
  test: {
    globalSetup: ["tests/support/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["tests/**/*.test.ts", "packages/*/src/**/*.test.ts"],
          exclude: [...ISOLATED, ...EXCLUDE],
          isolate: false,
        },
      },
      { extends: true, test: { name: "isolated", include: ISOLATED, exclude: EXCLUDE } },
    ],
  },
});
