#!/usr/bin/env bash
# `npm test`: format and lint check, import rules, type-check, then every suite twice — on the embedded database (PGlite) and on a real
# PostgreSQL server with pgvector (installed from Debian packages when missing, started on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-work

step() { printf '\n[test] %s\n' "$*"; }

step "formatting and lint (biome ci: format check, recommended rules, core/web import rules; fix with npm run format)"
npm run --silent lint

step "import rules: packages/core folders importing each other both ways (tests/unit/import-rules.test.ts)"
TEST_DB=pglite npx vitest run tests/unit/import-rules.test.ts

step "type-checking the whole repository (tsc --noEmit)"
npx tsc -p tsconfig.json
# The embeddable widget is browser code: its own program, with DOM types.
npx tsc -p packages/widget/tsconfig.json
# The agent web app is browser code too, with Vue single-file components: vue-tsc checks them.
npx vue-tsc -p packages/web/tsconfig.json

step "building the agent web app when its sources changed (packages/web/build.ts; the browser and serving suites use the build)"
npx tsx packages/web/build.ts

step "making sure PostgreSQL 15 + pg_trgm + pgvector are installed (apt-get when missing; may take a minute the first time)"
bash scripts/provision-postgres.sh

step "making sure Dovecot is installed for the IMAP suites (apt-get dovecot-core dovecot-imapd when missing)"
bash scripts/provision-dovecot.sh

step "making sure Chromium is installed for the browser suites (apt-get chromium when missing)"
bash scripts/provision-chromium.sh

step "suites on the embedded database (PGlite)"
TEST_EXCLUDE=tests/unit/import-rules.test.ts TEST_DB=pglite npx vitest run --reporter=default --reporter=json --outputFile.json=.test-work/results-pglite.json || failed=1

step "suites on a PostgreSQL server, including the Neon serverless driver smoke suite (not the web app's browser suites: the app reaches the database only through the API, which these suites run)"
HELPERIQ_SKIP_PROVISION=1 TEST_EXCLUDE='tests/unit/import-rules.test.ts,tests/browser/web-*.test.ts' TEST_DB=pg npx vitest run --reporter=default --reporter=json --outputFile.json=.test-work/results-pg.json || failed=1

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  // What failed, repeated last: a CI log is often read from its tail only.
  const failures = [];
  for (const f of [".test-work/results-pglite.json", ".test-work/results-pg.json"]) {
    const pass = f.includes("pglite") ? "PGlite" : "PostgreSQL";
    if (!fs.existsSync(f)) { failed++; failures.push(`${pass}: the pass wrote no results`); continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + (r.success ? 0 : r.numFailedTestSuites); skipped += r.numPendingTests + r.numTodoTests;
    for (const file of r.testResults) {
      const name = file.name.replace(process.cwd() + "/", "");
      const tests = file.assertionResults.filter((a) => a.status === "failed");
      for (const a of tests) failures.push(`${pass}: ${name} > ${a.fullName}\n    ${(a.failureMessages[0] ?? "").split("\n").slice(0, 4).join("\n    ")}`);
      if (file.status === "failed" && tests.length === 0) failures.push(`${pass}: ${name} (the file itself)\n    ${(file.message ?? "").split("\n").slice(0, 4).join("\n    ")}`);
    }
  }
  if (failures.length) console.log(`\nFailed:\n${failures.map((l) => `  ${l}`).join("\n")}`);
  console.log(`\nHelperIQ tests (PGlite + PostgreSQL):`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit "${failed:-0}"
