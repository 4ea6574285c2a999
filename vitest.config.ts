import { defineConfig } from "vitest/config";

/**
 * One config, two databases: TEST_DB=pglite (default) or TEST_DB=pg (a PostgreSQL server with pgvector,
 * started by the global setup). `npm test` runs the suites once on each.
 *
 * Three projects, for time:
 * - "shared": most files share their worker's modules (`isolate: false`): importing the server's module graph
 *   costs a file about 6 s, and each file still opens its own database and app (the server keeps no state at
 *   module level that outlives an app). They run on TEST_WORKERS workers (default 2: a CI machine's two cores;
 *   each file's database, ports and temporary directories are its own, so files never share a resource).
 * - "isolated": the `infra` suites set `process.env` for Lambda entries that cache what they read on first use,
 *   and run sst.config.ts with SST's globals replaced, which must load afresh.
 * - "browser": the web app's Chromium suites run afterwards, one at a time: each drives a browser and a server
 *   of its own, and measuring what a user waits for needs the machine's cores to itself.
 */
const ISOLATED = ["tests/infra/**/*.test.ts"];
const BROWSER = ["tests/browser/**/*.test.ts"];
/**
 * Files left out of this run, comma-separated (scripts/test.sh uses it): Vitest's own `--exclude` does not reach
 * the projects' file lists.
 */
const EXCLUDE = (process.env.TEST_EXCLUDE ?? "").split(",").filter(Boolean);
const WORKERS = Number(process.env.TEST_WORKERS ?? 2);

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
          exclude: [...ISOLATED, ...BROWSER, ...EXCLUDE],
          isolate: false,
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "isolated",
          include: ISOLATED,
          exclude: EXCLUDE,
          maxWorkers: WORKERS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: BROWSER,
          exclude: EXCLUDE,
          isolate: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
