import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { TENANT_TABLES } from "@helperiq/core/tenant-tables";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { ensureWebBuild } from "../../packages/web/build.ts";
import { type ProcessResult, runProcess } from "../../scripts/walkthrough-transcript.ts";
import { CHROMIUM } from "../support/browser.ts";

/**
 * `npm run walkthrough:workspaces` (scripts/walkthrough-workspaces.ts) run as an operator runs it: its own
 * embedded server, the CLI in a shell, the platform API, Chromium. The script checks every answer itself and exits
 * 1 at the first one that is not as documented; this suite runs it once and reads the facts back from its
 * transcript. PGlite only: the walk-through is the embedded server's, on a fresh data directory (started from the
 * suites' migrated template, as the other PGlite suites do).
 */
const TRANSCRIPT = path.resolve(".test-work", "walkthrough-workspaces.md");

let run: ProcessResult;
let seconds: number;
let startedAt: number;

/** The transcript's section `n` (from its `## n.` heading to the next one). */
const section = (n: number) => {
  const from = run.stdout.indexOf(`## ${n}.`);
  const to = run.stdout.indexOf(`## ${n + 1}.`);
  expect(from, `section ${n} of the transcript`).toBeGreaterThanOrEqual(0);
  return run.stdout.slice(from, to === -1 ? undefined : to);
};

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")(
  "npm run walkthrough:workspaces",
  { timeout: 30_000 },
  () => {
    beforeAll(async () => {
      if (!existsSync(CHROMIUM))
        throw new Error(`${CHROMIUM} is missing: run scripts/provision-chromium.sh (npm test does)`);
      // Built here when stale, so the run below measures the walk-through, not a build of the web app.
      await ensureWebBuild();
      startedAt = Date.now();
      // The suites' migrated PGlite template: the first CLI command then skips migrating a fresh database.
      const info = inject("testDb");
      if (info.kind !== "pglite") throw new Error("the walk-through suite runs in the PGlite pass");
      const env = { ...process.env, WALKTHROUGH_PGLITE_TEMPLATE: info.templatePath };
      run = await runProcess("npm", ["run", "--silent", "walkthrough:workspaces"], env);
      seconds = (Date.now() - startedAt) / 1000;
      if (run.code !== 0) console.error(`${run.stdout}\n${run.stderr}`);
    }, 300_000);

    it("runs to its end: exit code 0 and WALKTHROUGH OK, every step's answer as documented", () => {
      expect(run.stdout).not.toContain("WALKTHROUGH FAILED");
      expect(run.stdout).toMatch(/WALKTHROUGH OK in [\d.]+ s/);
      expect(run.code).toBe(0);
      console.log(`walk-through: ${seconds.toFixed(1)} s`);
    });

    it("creates two workspaces with the CLI before the server starts, and the CLI refuses (exit 3) while it runs", () => {
      const cli = section(1);
      expect(cli).toContain("$ npm run --silent workspace -- create acme --name 'Acme Support'");
      expect(cli).toContain("Created workspace acme (Acme Support).");
      expect(cli).toContain("Created workspace globex (Globex Helpdesk).");
      // ROOT_URL's port (the server's), so the link reaches it.
      expect(cli).toMatch(/http:\/\/acme\.helperiq\.test:\d+\/reset-password\?token=[a-z2-7]+/);
      expect(cli).toContain(
        'mail caught by the SMTP server: to olga@acme.example, "Your workspace Acme Support is ready"',
      );
      const start = section(2);
      expect(start).toMatch(/HelperIQ listening on http:\/\/127\.0\.0\.1:\d+ \(database: pglite/);
      expect(start).toContain("$ npm run --silent workspace -- list");
      expect(start).toMatch(/DATA_DIR \S+ is in use by another HelperIQ server \(PID \d+\)/);
      expect(start).toContain("(exit code 3)");
    });

    it("creates one with the platform API (201, its admin mailed) and lists all three", () => {
      const api = section(3);
      expect(api).toMatch(/\$ curl -X POST http:\/\/helperiq\.test:\d+\/platform\/v1\/workspaces -H/);
      expect(api).toContain("HTTP 201");
      expect(api).toContain('"mailed": true');
      expect(api).toContain(
        'mail caught by the SMTP server: to peter@initech.example, "Your workspace Initech IT is ready"',
      );
      expect(api).toContain('{"slug":"acme","status":"active","plan":"pro","limits":{"agents":10},"agents":1}');
      expect(api).toContain('{"slug":"globex","status":"active","plan":"default","limits":{},"agents":1}');
      expect(api).toContain('"slug":"initech","status":"active","plan":"starter"');
    });

    it("signs a third up in Chromium: mailed link, owner signed in on umbrella.helperiq.test", () => {
      const signup = section(4);
      expect(signup).toContain('page "Check your inbox"');
      expect(signup).toMatch(/its link: http:\/\/helperiq\.test:\d+\/signup\/verify\?token=…/);
      expect(signup).toMatch(/landed on http:\/\/umbrella\.helperiq\.test:\d+\//);
      expect(signup).toContain("GET /api/v1/agents/me (in the page) → 200 Alice <alice@umbrella.example>");
      expect(signup).toContain("POST /api/v1/media (in the page) welcome.txt → 201");
    });

    it("adds help.acme.example, which routes nowhere until the TXT record verifies it, then reaches acme", () => {
      const domain = section(5);
      expect(domain).toMatch(/curl http:\/\/help\.acme\.example:\d+\/api\/v1\/config\nHTTP 404/);
      expect(domain).toContain("_helperiq-verification.help.acme.example. TXT");
      expect(domain).toMatch(/"hostname":"help\.acme\.example","status":"verified"/);
      expect(domain).toMatch(
        /help\.acme\.example:\d+\/api\/v1\/config \| jq '.data \| \{app_name\}'\nHTTP 200\n\{"app_name":"Acme Support"\}/,
      );
    });

    it("suspends globex (403 with the reason on its host) and resumes it (200)", () => {
      const suspension = section(6);
      expect(suspension).toContain('{"slug":"globex","status":"suspended","suspended_reason":"Invoice 42 is unpaid"}');
      expect(suspension).toMatch(
        /HTTP 403\n\{\n {2}"data": \{\n {4}"message": "This workspace is suspended: Invoice 42 is unpaid"/,
      );
      expect(suspension).toContain('{"slug":"globex","status":"active","suspended_reason":null}');
      expect(suspension).toContain('HTTP 200\n{"app_name":"Globex Helpdesk"}');
    });

    it("exports umbrella and lists the archive: manifest, workspace, a file per table, the uploaded file", () => {
      const exported = section(7);
      expect(exported).toContain('"status": "done"');
      expect(exported).toMatch(/HTTP 200, application\/zip, \d+ bytes/);
      expect(exported).toMatch(/^\s*\d+ {2}manifest\.json$/m);
      expect(exported).toMatch(/^\s*\d+ {2}workspace\.json$/m);
      expect(exported).toMatch(/^\s*[1-9]\d* {2}tables\/users\.ndjson$/m);
      expect(exported).toMatch(/^\s*28 {2}media\/[0-9a-f-]{36}\/welcome\.txt$/m);
      expect(exported).toMatch(/\d+ bytes in \d+ entries/);
    });

    it("deletes umbrella with the CLI and shows every tenant-owned table at zero for it, the others unchanged", () => {
      const purge = section(8);
      expect(purge).toContain("$ npm run --silent workspace -- delete umbrella --yes --wait");
      expect(purge).toMatch(/Deleting umbrella: its hosts answer 404 from now on; purge job \d+, run here\./);
      expect(purge).toMatch(/purge umbrella: users [1-9]\d* rows deleted \(\d+\/\d+ tables\)/);
      expect(purge).toMatch(/Purged umbrella: [1-9]\d* rows from \d+ of \d+ tables, 1 files, .*the slug is free\./);
      expect(purge).toMatch(/workspace_jobs: purge job \d+ done, requested by cli/);
      expect(purge).toMatch(
        /\/platform\/v1\/workspaces\/umbrella -H "Authorization: Bearer \$PLATFORM_API_KEY"\nHTTP 404/,
      );
      const header = purge.split("\n").find((l) => l.startsWith("TABLE "));
      expect(header?.split(/\s+/)).toEqual(["TABLE", "umbrella", "acme", "globex", "initech"]);
      for (const table of TENANT_TABLES) {
        const row = purge.split("\n").find((l) => l.startsWith(`${table.name} `));
        expect(row, `the count of ${table.name}`).toBeDefined();
        const cells = [...row!.matchAll(/(\d+) → (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
        expect(cells, table.name).toHaveLength(4);
        expect(cells[0]![1], `umbrella's ${table.name} after the purge`).toBe(0);
        for (const [before, after] of cells.slice(1)) expect(after, `another workspace's ${table.name}`).toBe(before);
      }
      expect(purge).toMatch(/umbrella: [1-9]\d* rows before, 0 after; tenants row gone; 0 media files under \d+\//);
      expect(purge).toContain("other workspaces: every count unchanged");
      expect(purge).toContain("the export outlives the purge");
    });

    it("writes the same transcript to .test-work/walkthrough-workspaces.md", () => {
      expect(statSync(TRANSCRIPT).mtimeMs).toBeGreaterThanOrEqual(startedAt - 1000);
      const written = readFileSync(TRANSCRIPT, "utf8");
      expect(written).toContain("# Workspaces walk-through");
      expect(written).toContain("WALKTHROUGH OK");
      expect(written).toContain("## 8. Delete umbrella and purge it");
    });
  },
);
