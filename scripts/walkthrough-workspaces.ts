import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { openPglite } from "@helperiq/adapters/db/pglite";
import { workspaceBlobPrefix } from "@helperiq/core/platform/purge";
import { tenants, workspaceJobs } from "@helperiq/core/schema";
import { TENANT_TABLES } from "@helperiq/core/tenant-tables";
import { loadConfig } from "@helperiq/server/config";
import { type RunningServer, startServer } from "@helperiq/server/start";
import { and, count, desc, eq } from "drizzle-orm";
import JSZip from "jszip";
import { simpleParser } from "mailparser";
import { type Browser, chromium } from "playwright-core";
import { ensureWebBuild } from "../packages/web/build.ts";
import { CHROMIUM, CHROMIUM_FLAGS, screenshot } from "../tests/support/browser.ts";
import { createTableDns } from "../tests/support/dns.ts";
import { freePort } from "../tests/support/free-port.ts";
import { startSmtpPeer } from "../tests/support/smtp-peer.ts";
import { type HttpAnswer, loopbackRequest, runProcess, shellQuote, Transcript } from "./walkthrough-transcript.ts";

/**
 * `npm run walkthrough:workspaces`: the operator's workspace lifecycle (docs/workspaces.md) done for real, end to
 * end, on a throwaway embedded server, and written down as a transcript (stdout and
 * .test-work/walkthrough-workspaces.md). Two workspaces are created with the CLI, one with the platform API, one
 * signed up in Chromium through the web app; one gets a custom domain verified and routed, one is suspended and
 * resumed, one is exported (the archive listed) and deleted, and the purge is shown table by table. Any step that
 * does not answer as documented stops the run with exit code 1 (tests/scripts/walkthrough-workspaces.test.ts).
 *
 * Everything stays on 127.0.0.1: the server on a free port, host routing by the Host header (`*.helperiq.test`
 * and the custom domain are mapped to 127.0.0.1: `curl --connect-to`, Chromium's --host-resolver-rules), the mail
 * caught by an SMTP server in this process.
 *
 * Custom-domain proof: the TXT record, through the server's DNS resolver port, answered by a table (the suites'
 * resolver double). The server is therefore started in this process, as `npm start` does it (ensureWebBuild,
 * loadConfig, startServer) but with startServer's `dns` option, which exists for this. The HTTP well-known proof
 * is no alternative here: its check connects to port 80 of the name's public address through the outbound guard,
 * which neither resolves `help.acme.example` to loopback nor reaches a server on another port, and a
 * configuration hook to redirect it would be a way around the guard in production. The well-known answer itself
 * is shown (the server answers it on every host).
 *
 * The CLI is run as an operator runs it, `npm run workspace -- …` in a shell: on the embedded database it takes
 * DATA_DIR's lock, so it runs while the server is stopped (before the first start, and for the delete), and
 * refuses with exit code 3 while the server runs (shown); `delete --wait` runs the purge in the CLI, following it
 * table by table. The export is written by the server's workspace-jobs schedule (every minute), run at once with
 * the server's `runScheduled`, what its timer calls, rather than waited for.
 *
 * WALKTHROUGH_PGLITE_TEMPLATE (optional): a migrated PGlite dump (the test suites' template) the new data directory
 * starts from, so the first CLI command has no migration to run: migrating a fresh PGlite costs its test most of
 * its time budget on a busy machine. The transcript says when it was used.
 */

const BASE_DOMAIN = "helperiq.test";
const CUSTOM_DOMAIN = "help.acme.example";
const OUT_FILE = path.resolve(".test-work", "walkthrough-workspaces.md");

/** The API's envelope; `Data<T>` declares what a step reads of an answer. */
type Envelope = { data: Record<string, unknown> };
type Data<T> = { data: T };
type Workspace = {
  slug: string;
  status: string;
  plan: string;
  limits: Record<string, number>;
  domains: { hostname: string }[];
  usage: { agents: number };
};

/** A step whose answer is not the documented one: the run stops, saying which. */
class StepFailed extends Error {}
function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new StepFailed(what);
}

const t = new Transcript((line) => console.log(line));
const dataDir = mkdtempSync(path.join(tmpdir(), "helperiq-walkthrough-"));
const port = await freePort();
const apiKey = randomBytes(32).toString("hex");
const peer = await startSmtpPeer();
const dns = createTableDns();
const base = `http://${BASE_DOMAIN}:${port}`;
const hostUrl = (host: string, p: string) => `http://${host}:${port}${p}`;

/** `npm start`'s environment, for the server and the CLI alike; DATABASE_URL unset: the embedded PGlite. */
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  HOST: "127.0.0.1",
  PORT: String(port),
  ROOT_URL: base,
  BASE_DOMAIN,
  DEFAULT_TENANT: "",
  SIGNUP: "open",
  PLATFORM_API_KEY: apiKey,
  SMTP_URL: peer.url,
  MAIL_FROM: "HelperIQ <no-reply@helperiq.test>",
};
delete env.DATABASE_URL;
const serverLog: string[] = [];

let server: RunningServer | undefined;
let browser: Browser | undefined;
let failed: unknown;
const started = Date.now();

/**
 * Starts the embedded server as main.ts does, with the DNS table for TXT look-ups. The web app is built (when its
 * sources changed) before the first start only: a restart a minute later serves the same app.
 */
async function startEmbedded(build: boolean): Promise<RunningServer> {
  if (build) await ensureWebBuild({ log: (line) => t.output(line) });
  const at = Date.now();
  const running = await startServer(
    loadConfig(env),
    (line) => {
      serverLog.push(line);
      t.output(`[server] ${line}`);
    },
    { dns },
  );
  t.output(
    `HelperIQ listening on ${running.url} (database: ${running.database.dialect}, ready in ${Date.now() - at} ms)`,
  );
  return running;
}

async function stopEmbedded() {
  t.remark("Ctrl-C in the server's terminal: it closes PGlite cleanly and releases DATA_DIR's lock");
  await server?.close();
  server = undefined;
}

/** The workspace-jobs schedule's run, now: what its one-minute timer calls (purges and exports). */
async function runWorkspaceJobs() {
  t.remark(`the workspace-jobs schedule, run now rather than within the minute: server.runScheduled("workspace-jobs")`);
  t.output(JSON.stringify(await server!.runScheduled("workspace-jobs")));
}

/** `npm run workspace -- …` in a shell, as an operator types it; fails the step on another exit code. */
async function workspaceCli(args: string[], expectCode = 0, maxLines = 30) {
  t.command(`npm run --silent workspace -- ${args.map(shellQuote).join(" ")}`);
  const result = await runProcess("npm", ["run", "--silent", "workspace", "--", ...args], env);
  t.output(result.output, { maxLines });
  if (result.code !== 0) t.output(`(exit code ${result.code})`);
  check(result.code === expectCode, `workspace ${args[0]}: exit code ${result.code}, expected ${expectCode}`);
  return result;
}

/**
 * A request as `curl` sends it, shown as a curl command and its answer: the status and the JSON body (pretty,
 * trimmed), or through `jq`'s filter when one is given (`view` computes the same here).
 */
async function curl<T = Envelope>(
  method: string,
  url: string,
  options: {
    body?: unknown;
    platformKey?: boolean;
    expect: number;
    jq?: { filter: string; view: (json: T) => unknown };
    maxLines?: number;
  },
): Promise<HttpAnswer & { json: T }> {
  const headers: Record<string, string> = {};
  const shown: string[] = ["curl"];
  if (method !== "GET") shown.push("-X", method);
  shown.push(url);
  if (options.platformKey) {
    headers.authorization = `Bearer ${apiKey}`;
    shown.push("-H", '"Authorization: Bearer $PLATFORM_API_KEY"');
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
    shown.push("-H", "'content-type: application/json'", "-d", shellQuote(body));
  }
  if (options.jq) shown.push("|", "jq", shellQuote(options.jq.filter));
  t.command(shown.join(" "));
  const answer = await loopbackRequest(port, method, url, headers, body);
  const text = answer.body.toString("utf8");
  let json: T | undefined;
  try {
    json = text ? (JSON.parse(text) as T) : undefined;
  } catch {
    json = undefined;
  }
  const rendered =
    json === undefined
      ? text
      : options.jq
        ? [options.jq.view(json)]
            .flat()
            .map((v) => JSON.stringify(v))
            .join("\n")
        : JSON.stringify(json, null, 2);
  t.output(`HTTP ${answer.status}\n${rendered}`, { maxLines: options.maxLines ?? 24 });
  check(answer.status === options.expect, `${method} ${url}: HTTP ${answer.status}, expected ${options.expect}`);
  // The answer's JSON as the caller declared it; a body that is not JSON fails the step that reads it.
  return { ...answer, json: json as T };
}

/** Rows per workspace id in every tenant-owned table (TENANT_TABLES, derived from the schema). */
async function rowCounts(): Promise<Map<string, Map<number, number>>> {
  const db = server!.database.db;
  const counts = new Map<string, Map<number, number>>();
  for (const table of TENANT_TABLES) {
    const rows = await db.select({ tenant: table.tenantId, n: count() }).from(table.table).groupBy(table.tenantId);
    counts.set(table.name, new Map(rows.map((r) => [Number(r.tenant), Number(r.n)])));
  }
  return counts;
}

async function tenantIds(): Promise<Map<string, number>> {
  const rows = await server!.database.db.select({ id: tenants.id, slug: tenants.slug }).from(tenants);
  return new Map(rows.map((r) => [r.slug, r.id]));
}

/** Each step's wall time, for the closing line (the test keeps the whole run under its budget). */
const timings: { title: string; ms: number }[] = [];
let current: { title: string; at: number } | undefined;
function step(title: string, paragraph?: string) {
  endStep();
  current = { title, at: Date.now() };
  t.heading(title, paragraph);
}
function endStep() {
  if (current) timings.push({ title: current.title.replace(/^(\d+)\..*/, "$1"), ms: Date.now() - current.at });
  current = undefined;
}

async function waitForMail(to: string) {
  for (let i = 0; i < 200; i++) {
    const mail = peer.received.find((m) => m.to.includes(to));
    if (mail) return simpleParser(mail.raw);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StepFailed(`no mail reached ${to} within 20 s`);
}

try {
  t.paragraph(
    [
      "# Workspaces walk-through",
      "",
      `Recorded by \`npm run walkthrough:workspaces\` (scripts/walkthrough-workspaces.ts) on ${new Date().toISOString()}.`,
      `A fresh embedded server (PGlite in a temporary DATA_DIR) on 127.0.0.1:${port} with BASE_DOMAIN=${BASE_DOMAIN},`,
      "DEFAULT_TENANT empty (no default workspace), SIGNUP=open, a PLATFORM_API_KEY, SMTP_URL pointing at an SMTP",
      "server in the script (it catches every mail) and a table answering the server's DNS TXT look-ups. The CLI runs",
      "in a shell, as an operator types it. Every host below is served by 127.0.0.1: `curl` stands for",
      "`curl -s --connect-to ::127.0.0.1:`, Chromium runs with `--host-resolver-rules`. Answers are shown as their",
      "status and JSON body (pretty-printed, or through the `jq` filter shown), trimmed.",
    ].join("\n"),
  );

  const template = process.env.WALKTHROUGH_PGLITE_TEMPLATE;
  if (template) {
    const seeded = await openPglite({ dataDir, loadDataDir: new Blob([readFileSync(template)]) });
    await seeded.close();
  }

  // 1. The CLI, before the server runs: the embedded database has one writer.
  step(
    "1. Two workspaces with the CLI",
    "The server is not running yet: on the embedded database the CLI takes DATA_DIR's lock, like a server. It migrates the new data directory, creates the workspace and mails its admin a set-password link.",
  );
  if (template)
    t.remark(
      `DATA_DIR starts from a migrated PGlite dump (WALKTHROUGH_PGLITE_TEMPLATE=${template}): nothing to migrate`,
    );
  t.command(
    `export DATA_DIR=${dataDir} BASE_DOMAIN=${BASE_DOMAIN} DEFAULT_TENANT= SIGNUP=open ROOT_URL=${base} PORT=${port} SMTP_URL=${peer.url} PLATFORM_API_KEY=<64 hex digits>`,
  );
  await workspaceCli([
    "create",
    "acme",
    "--name",
    "Acme Support",
    "--admin-email",
    "olga@acme.example",
    "--admin-first-name",
    "Olga",
    "--plan",
    "pro",
    "--limit",
    "agents=10",
  ]);
  await workspaceCli([
    "create",
    "globex",
    "--name",
    "Globex Helpdesk",
    "--admin-email",
    "hank@globex.example",
    "--admin-first-name",
    "Hank",
    "--admin-last-name",
    "Scorpio",
  ]);
  for (const to of ["olga@acme.example", "hank@globex.example"]) {
    const mail = await waitForMail(to);
    t.remark(`mail caught by the SMTP server: to ${to}, "${mail.subject}"`);
  }
  t.remark(
    "(links name a workspace's own origin, http://<slug>.helperiq.test with ROOT_URL's scheme and port: the server's)",
  );

  // 2. The server, and the CLI refusing while it runs.
  step(
    "2. Start the server",
    "`npm start` (run in this script as main.ts runs it, with the DNS table). While it runs, the CLI cannot open the embedded database: it says so and exits with code 3.",
  );
  t.command("npm start");
  server = await startEmbedded(true);
  await workspaceCli(["list"], 3);

  // 3. The platform API.
  step("3. One workspace with the platform API", "While the server runs, the operator uses the platform API.");
  const created = await curl<Data<{ workspace: Workspace; mailed: boolean }>>(
    "POST",
    `${base}/platform/v1/workspaces`,
    {
      platformKey: true,
      body: {
        slug: "initech",
        name: "Initech IT",
        admin: { email: "peter@initech.example", first_name: "Peter", last_name: "Gibbons" },
        plan: "starter",
        limits: { agents: 3, inboxes: 1 },
      },
      expect: 201,
      maxLines: 40,
    },
  );
  check(created.json.data.workspace.slug === "initech", "the platform API answered another workspace");
  check(created.json.data.mailed === true, "the platform API did not mail the set-password link");
  const initechMail = await waitForMail("peter@initech.example");
  t.remark(`mail caught by the SMTP server: to peter@initech.example, "${initechMail.subject}"`);
  await curl<Data<{ results: Workspace[] }>>("GET", `${base}/platform/v1/workspaces`, {
    platformKey: true,
    expect: 200,
    jq: {
      filter: ".data.results[] | {slug, status, plan, limits, agents: .usage.agents}",
      view: (j) =>
        j.data.results.map((w) => ({
          slug: w.slug,
          status: w.status,
          plan: w.plan,
          limits: w.limits,
          agents: w.usage.agents,
        })),
    },
  });

  // 4. Self-serve sign-up in Chromium.
  step(
    "4. A third workspace signed up through the web app",
    "Debian's Chromium (playwright-core) on the sign-up page of the base domain; the verification link comes by mail; the owner lands signed in on the new workspace's own host.",
  );
  const resolverRules = `MAP ${BASE_DOMAIN} 127.0.0.1, MAP *.${BASE_DOMAIN} 127.0.0.1`;
  t.command(`chromium --headless --host-resolver-rules=${shellQuote(resolverRules)} ${base}/signup`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, `--host-resolver-rules=${resolverRules}`],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/signup`);
  await page.getByRole("heading", { name: "Create your workspace" }).waitFor();
  await page.getByLabel("Your work email").fill("alice@umbrella.example");
  await page.getByLabel("Organisation or team name").fill("Umbrella Health");
  await page.getByLabel("Workspace address").fill("umbrella");
  await page.getByText(`umbrella.${BASE_DOMAIN}`).first().waitFor();
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
  t.output(
    [
      'page "Create your workspace": email alice@umbrella.example, name "Umbrella Health", address umbrella → [Create workspace]',
      'page "Check your inbox"',
    ].join("\n"),
  );
  const signupMail = await waitForMail("alice@umbrella.example");
  const verifyLink = /https?:\/\/\S+\/signup\/verify\?token=[a-z2-7]+/.exec(signupMail.text ?? "")?.[0];
  check(verifyLink, "the sign-up mail holds no verification link");
  check(new URL(verifyLink).host === `${BASE_DOMAIN}:${port}`, `the verification link points at ${verifyLink}`);
  t.remark(`mail caught by the SMTP server: to alice@umbrella.example, "${signupMail.subject}"`);
  t.remark(`its link: ${verifyLink.replace(/token=.*/, "token=…")}`);
  await page.goto(verifyLink);
  await page.getByRole("heading", { name: "Confirm your workspace" }).waitFor();
  await page.getByLabel("First name").fill("Alice");
  await page.getByLabel("Last name").fill("Wong");
  await page.getByLabel("Password", { exact: true }).fill("umbrella-owner-password-1");
  await page.getByLabel("Password again").fill("umbrella-owner-password-1");
  await page.getByRole("button", { name: "Create and sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor({ state: "attached" });
  const landed = new URL(page.url());
  check(landed.hostname === `umbrella.${BASE_DOMAIN}`, `the owner landed on ${page.url()}`);
  // In the page, through Chromium (its resolver rules, its cookies for this host), as the app itself calls the API.
  const me = await page.evaluate(async () => {
    const res = await fetch("/api/v1/agents/me");
    return { status: res.status, body: (await res.json()) as { data: { email: string; first_name: string } } };
  });
  check(me.status === 200, `GET /api/v1/agents/me on the new host: HTTP ${me.status}`);
  check(me.body.data.email === "alice@umbrella.example", `signed in as ${me.body.data.email}`);
  await screenshot(page, "walkthrough-signed-in");
  t.output(
    [
      'page "Confirm your workspace": Alice Wong, password → [Create and sign in]',
      `landed on ${landed.origin}${landed.pathname}, the app's main navigation shown`,
      `GET /api/v1/agents/me (in the page) → ${me.status} ${me.body.data.first_name} <${me.body.data.email}>`,
    ].join("\n"),
  );
  // A file in the new workspace, so its export and purge have media bytes to show.
  const upload = await page.evaluate(async () => {
    const cookie = (globalThis as unknown as { document: { cookie: string } }).document.cookie;
    const csrf = /(?:^|; )csrf_token=([^;]+)/.exec(cookie)?.[1] ?? "";
    const form = new FormData();
    form.append("file", new Blob(["Welcome to Umbrella Health.\n"], { type: "text/plain" }), "welcome.txt");
    const res = await fetch("/api/v1/media", { method: "POST", body: form, headers: { "x-csrftoken": csrf } });
    return res.status;
  });
  check(upload === 201, `POST /api/v1/media: HTTP ${upload}`);
  t.output(`POST /api/v1/media (in the page) welcome.txt → ${upload}`);
  await browser.close();
  browser = undefined;

  // 5. A custom domain.
  step(
    "5. A custom domain for acme",
    "An unverified domain routes nowhere; the TXT record proves it; then its Host reaches the workspace.",
  );
  const added = await curl<Data<{ verification: { dns: { name: string; value: string } } }>>(
    "POST",
    `${base}/platform/v1/workspaces/acme/domains`,
    {
      platformKey: true,
      body: { hostname: CUSTOM_DOMAIN },
      expect: 201,
    },
  );
  const txt = added.json.data.verification.dns;
  await curl("GET", hostUrl(CUSTOM_DOMAIN, "/api/v1/config"), { expect: 404 });
  await curl("GET", hostUrl(CUSTOM_DOMAIN, "/.well-known/helperiq-domain-verification"), { expect: 200 });
  t.remark(`the customer's DNS gets: ${txt.name}. TXT "${txt.value}" (here: the server's DNS table)`);
  dns.records.set(txt.name, [txt.value]);
  const verified = await curl("POST", `${base}/platform/v1/workspaces/acme/domains/${CUSTOM_DOMAIN}/verify`, {
    platformKey: true,
    expect: 200,
    jq: {
      filter: ".data | {hostname, status, verified_at, last_error}",
      view: (j) => pick(j.data, "hostname", "status", "verified_at", "last_error"),
    },
  });
  check(verified.json.data.status === "verified", "the domain is not verified");
  const routed = await curl<Data<{ app_name: string }>>("GET", hostUrl(CUSTOM_DOMAIN, "/api/v1/config"), {
    expect: 200,
    jq: { filter: ".data | {app_name}", view: (j) => ({ app_name: j.data.app_name }) },
  });
  check(routed.json.data.app_name === "Acme Support", `the custom domain reached ${routed.json.data.app_name}`);

  // 6. Suspension.
  step("6. Suspend and resume globex");
  await curl("POST", `${base}/platform/v1/workspaces/globex/suspend`, {
    platformKey: true,
    body: { reason: "Invoice 42 is unpaid" },
    expect: 200,
    jq: {
      filter: ".data | {slug, status, suspended_reason}",
      view: (j) => pick(j.data, "slug", "status", "suspended_reason"),
    },
  });
  const refused = await curl<Data<{ message: string }>>("GET", hostUrl(`globex.${BASE_DOMAIN}`, "/api/v1/config"), {
    expect: 403,
  });
  check(
    refused.json.data.message === "This workspace is suspended: Invoice 42 is unpaid",
    `the suspended workspace said ${JSON.stringify(refused.json)}`,
  );
  await curl("POST", `${base}/platform/v1/workspaces/globex/resume`, {
    platformKey: true,
    expect: 200,
    jq: {
      filter: ".data | {slug, status, suspended_reason}",
      view: (j) => pick(j.data, "slug", "status", "suspended_reason"),
    },
  });
  await curl<Data<{ app_name: string }>>("GET", hostUrl(`globex.${BASE_DOMAIN}`, "/api/v1/config"), {
    expect: 200,
    jq: { filter: ".data | {app_name}", view: (j) => ({ app_name: j.data.app_name }) },
  });

  // 7. Export.
  step(
    "7. Export umbrella",
    "The export is a workspace job; the workspace-jobs schedule (every minute) writes it — run here at once.",
  );
  const exportJob = await curl<Data<{ id: number }>>("POST", `${base}/platform/v1/workspaces/umbrella/export`, {
    platformKey: true,
    expect: 202,
    jq: { filter: ".data | {id, workspace, status}", view: (j) => pick(j.data, "id", "workspace", "status") },
  });
  await runWorkspaceJobs();
  const exportView = await curl<Data<{ status: string; download_url: string }>>(
    "GET",
    `${base}/platform/v1/exports/${exportJob.json.data.id}`,
    {
      platformKey: true,
      expect: 200,
    },
  );
  check(exportView.json.data.status === "done", `export ${exportJob.json.data.id} is ${exportView.json.data.status}`);
  const downloadUrl = `${base}${exportView.json.data.download_url}`;
  t.command(`curl -o umbrella.zip '${downloadUrl}' -H "Authorization: Bearer $PLATFORM_API_KEY"`);
  const download = await loopbackRequest(port, "GET", downloadUrl, { authorization: `Bearer ${apiKey}` });
  check(download.status === 200, `the export's download: HTTP ${download.status}`);
  t.output(`HTTP ${download.status}, ${download.headers["content-type"]}, ${download.body.length} bytes`);
  t.remark("the archive's entries (read with jszip): uncompressed size, name");
  const zip = await JSZip.loadAsync(download.body);
  const entries: { name: string; size: number }[] = [];
  for (const file of Object.values(zip.files)) {
    if (!file.dir) entries.push({ name: file.name, size: (await file.async("uint8array")).length });
  }
  const width = Math.max(...entries.map((e) => String(e.size).length));
  t.output(
    [
      ...entries.map((e) => `${String(e.size).padStart(width)}  ${e.name}`),
      `${entries.reduce((n, e) => n + e.size, 0)} bytes in ${entries.length} entries`,
    ].join("\n"),
    { maxLines: 200 },
  );
  const names = entries.map((e) => e.name);
  check(names.includes("manifest.json") && names.includes("workspace.json"), "the archive lacks its manifest");
  const manifest = JSON.parse(await zip.file("manifest.json")!.async("string")) as { omitted_tables: string[] };
  t.remark(`left out by design (bearer-token hashes only): ${manifest.omitted_tables.join(", ")}`);
  for (const table of TENANT_TABLES)
    check(
      names.includes(`tables/${table.name}.ndjson`) || manifest.omitted_tables.includes(table.name),
      `the archive lacks tables/${table.name}.ndjson`,
    );
  check(
    names.some((n) => n.startsWith("media/") && n.endsWith("/welcome.txt")),
    "the archive lacks the uploaded file",
  );

  // 8. Delete and purge.
  step(
    "8. Delete umbrella and purge it",
    "On the embedded database the CLI needs the server stopped (it takes DATA_DIR's lock). With --wait it runs the purge itself and follows it table by table (in a terminal it waits by default). Its hosts answer 404 from the moment the delete is accepted; the slug is free once the purge is done.",
  );
  const ids = await tenantIds();
  const doomed = ids.get("umbrella");
  check(doomed !== undefined, "umbrella has no tenants row");
  const before = await rowCounts();
  await stopEmbedded();
  await workspaceCli(["delete", "umbrella", "--yes", "--wait"], 0, 60);
  t.command("npm start");
  server = await startEmbedded(false);
  await curl("GET", hostUrl(`umbrella.${BASE_DOMAIN}`, "/api/v1/config"), { expect: 404 });
  await curl("GET", `${base}/platform/v1/workspaces/umbrella`, { platformKey: true, expect: 404 });
  const [job] = await server.database.db
    .select()
    .from(workspaceJobs)
    .where(and(eq(workspaceJobs.tenantSlug, "umbrella"), eq(workspaceJobs.kind, "purge")))
    .orderBy(desc(workspaceJobs.id))
    .limit(1);
  check(job?.status === "done", `the purge job is ${job?.status ?? "missing"} (${job?.error ?? ""})`);
  t.remark(
    `workspace_jobs: purge job ${job.id} ${job.status}, requested by ${job.requestedBy}, progress ${JSON.stringify(job.progress)}`,
  );

  const after = await rowCounts();
  const others = [...ids.entries()].filter(([slug]) => slug !== "umbrella").sort(([a], [b]) => a.localeCompare(b));
  t.remark(
    `rows per workspace in every tenant-owned table (${TENANT_TABLES.length}, TENANT_TABLES: derived from the schema),\nSELECT tenant_id, count(*) FROM <table> GROUP BY tenant_id — before the delete → after the purge`,
  );
  const header = ["TABLE", "umbrella", ...others.map(([slug]) => slug)];
  const rows: string[][] = [];
  let changedElsewhere = 0;
  let left = 0;
  for (const table of TENANT_TABLES) {
    const cell = (id: number) => {
      const b = before.get(table.name)?.get(id) ?? 0;
      const a = after.get(table.name)?.get(id) ?? 0;
      return { b, a, text: `${b} → ${a}` };
    };
    const gone = cell(doomed);
    left += gone.a;
    const kept = others.map(([, id]) => cell(id));
    changedElsewhere += kept.filter((c) => c.a !== c.b).length;
    rows.push([table.name, gone.text, ...kept.map((c) => c.text)]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  t.output([line(header), ...rows.map(line)].join("\n"), { maxLines: 400 });
  const removed = TENANT_TABLES.reduce((n, table) => n + (before.get(table.name)?.get(doomed) ?? 0), 0);
  const blobsLeft = await createFilesystemBlobStore(path.join(dataDir, "media")).list(workspaceBlobPrefix(doomed), {
    limit: 10,
  });
  const tenantRow = (await tenantIds()).get("umbrella");
  t.output(
    [
      `umbrella: ${removed} rows before, ${left} after; tenants row ${tenantRow === undefined ? "gone" : "still there"}; ${blobsLeft.length} media files under ${workspaceBlobPrefix(doomed)}`,
      `other workspaces: ${changedElsewhere === 0 ? "every count unchanged" : `${changedElsewhere} counts changed`}`,
    ].join("\n"),
  );
  check(removed > 0, "umbrella had no rows to purge");
  check(left === 0, `${left} rows of umbrella are left`);
  check(tenantRow === undefined, "umbrella's tenants row is left");
  check(blobsLeft.length === 0, "umbrella's media files are left");
  check(changedElsewhere === 0, "another workspace's rows changed");

  // The export was stored outside the workspace's prefix: it outlives the purge.
  t.command(`curl -o umbrella.zip '${downloadUrl}' -H "Authorization: Bearer $PLATFORM_API_KEY"`);
  const again = await loopbackRequest(port, "GET", downloadUrl, { authorization: `Bearer ${apiKey}` });
  t.output(`HTTP ${again.status}, ${again.body.length} bytes   # the export outlives the purge (kept 7 days)`);
  check(again.status === 200 && again.body.equals(download.body), "the export did not outlive the purge");

  await curl<Data<{ results: Workspace[] }>>("GET", `${base}/platform/v1/workspaces`, {
    platformKey: true,
    expect: 200,
    jq: {
      filter: ".data.results[] | {slug, status, domains: [.domains[].hostname]}",
      view: (j) =>
        j.data.results.map((w) => ({
          slug: w.slug,
          status: w.status,
          domains: w.domains.map((d) => d.hostname),
        })),
    },
  });
  await stopEmbedded();
  endStep();
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  t.paragraph(
    `WALKTHROUGH OK in ${seconds(Date.now() - started)} (steps: ${timings.map((s) => `${s.title}: ${seconds(s.ms)}`).join(", ")}).`,
  );
} catch (err) {
  failed = err;
  t.paragraph(`WALKTHROUGH FAILED: ${err instanceof StepFailed ? err.message : ((err as Error).stack ?? String(err))}`);
  if (serverLog.length) t.paragraph(`Server log:\n\n${serverLog.map((l) => `    ${l}`).join("\n")}`);
} finally {
  await browser?.close().catch(() => undefined);
  await server?.close().catch(() => undefined);
  await peer.close().catch(() => undefined);
  mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, t.markdown());
  // A failed run keeps its data directory to look into.
  if (failed) console.error(`data directory kept: ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

/** `{a, b}` of jq: those keys of an answer's object, in that order. */
function pick(object: object, ...keys: string[]) {
  return Object.fromEntries(keys.map((k) => [k, (object as Record<string, unknown>)[k]]));
}
