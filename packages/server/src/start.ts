import { createNodeDnsResolver } from "@helperiq/adapters/dns/node-resolver";
import type { DnsResolver } from "@helperiq/core/port/dns";
import { createMahoEcommerce } from "@helperiq/adapters/ecommerce/maho";
import { createAiClients } from "@helperiq/adapters/ai/index";
import { createMailProbe } from "@helperiq/adapters/mail/probe";
import { createOutboundGuard, type Resolve } from "@helperiq/adapters/net/outbound-guard";
import { serve, type ServerType } from "@hono/node-server";
import { openDatabase } from "@helperiq/adapters/db/open";
import { createApp, FAMILIES, type AppDeps } from "@helperiq/api";
import { generatePassword } from "@helperiq/core/auth/password";
import { systemClock, type Database } from "@helperiq/core/port/index";
import { unfinishedImportJobs } from "@helperiq/core/import/index";
import { handleDeadMessage, handleQueueMessage, type JobDeps } from "@helperiq/core/job/index";
import { ensureTenant } from "@helperiq/core/tenant/index";
import { createConsoleMailer } from "@helperiq/adapters/mail/console";
import { createSmtpMailer } from "@helperiq/adapters/mail/smtp";
import { createImapMailbox } from "@helperiq/adapters/mail/imap-mailbox";
import { createInboxTransport } from "@helperiq/adapters/mail/inbox-transport";
import { requeueUndelivered } from "@helperiq/core/mail-out/resume";
import { createKnowledgeReader } from "@helperiq/adapters/knowledge/index";
import { createConfiguredPush } from "@helperiq/adapters/push/configured";
import { createRealtime } from "./ws-realtime.ts";
import { type RunningSchedule, startSchedule, type ScheduledTimer } from "./schedule.ts";
import { createMemoryQueue } from "@helperiq/adapters/queue/memory";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { join } from "node:path";
import { lazyWidgetScript } from "../../widget/build.ts";
import { WEB_DIST } from "../../web/build.ts";
import { loadWebApp, withWebApp } from "./web-app.ts";
import { loadKeyring } from "./secrets.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import type { ServerConfig } from "./config.ts";

export type RunningServer = {
  url: string;
  database: Database;
  /** The realtime hub of this process (connection counts; `idle()` waits for pending pushes). */
  realtime: Awaited<ReturnType<typeof createRealtime>>["hub"];
  /** The periodic jobs this process runs (job/schedule.ts). */
  scheduled: readonly ScheduledTimer[];
  /** Runs one periodic job now, as its timer would (e.g. `poll-inboxes` right after mail arrived). */
  runScheduled: RunningSchedule["run"];
  close(): Promise<void>;
};

/** Opens the database, migrates, makes sure the default workspace exists, and serves every family. */
export async function startServer(
  config: ServerConfig,
  log: (line: string) => void = console.log,
  /**
   * `resolve`: the outbound guard's name resolution (the system's by default; test harnesses answer loopback
   * only); `dns`: the TXT look-ups of custom-domain verification (node:dns by default; a table in the suites).
   */
  options: { resolve?: Resolve; dns?: DnsResolver } = {},
): Promise<RunningServer> {
  // First: a malformed FCM key file fails the start before anything is opened.
  const push = createConfiguredPush({ serviceAccount: config.FCM_SERVICE_ACCOUNT, endpoint: config.FCM_ENDPOINT });
  // PGlite has one writer: a second server on its directory would lose acknowledged writes. Processes
  // sharing a PostgreSQL server may share DATA_DIR (media, keyring) and take no lock.
  const dataDirLock = config.DATABASE_URL ? undefined : lockDataDir(config.DATA_DIR);
  let database: Database;
  try {
    database = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      driver: config.DATABASE_DRIVER,
      dataDir: config.DATA_DIR,
    });
  } catch (err) {
    dataDirLock?.release();
    throw err;
  }
  try {
    await database.migrate();
    if (config.DEFAULT_TENANT) await bootstrapDefaultTenant(database, config, log);
    else log("DEFAULT_TENANT is empty: no default workspace; hosts that are no workspace's answer 404.");
  } catch (err) {
    await database.close();
    dataDirLock?.release();
    throw err;
  }
  const smtpMailer = config.SMTP_URL ? createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM }) : undefined;
  const mailer = smtpMailer ?? createConsoleMailer();
  const secrets = loadKeyring(config.SECRET_KEYS, config.DATA_DIR);
  const blobs = createFilesystemBlobStore(join(config.DATA_DIR, "media"));
  // Domain events: the in-process bus feeding this process's WebSockets, relayed to the other processes on a PostgreSQL server.
  const realtime = await createRealtime({
    database,
    clock: systemClock,
    databaseUrl: config.DATABASE_URL,
    tenantRouting: { baseDomain: config.BASE_DOMAIN, defaultSlug: config.DEFAULT_TENANT || undefined },
    trustForwardedHost: config.TRUST_PROXY,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    secrets,
    log,
  });
  const events = realtime.events;
  // Everything a workspace configures (crawled URLs, store, OIDC provider, mail servers) is reached through
  // this guard; what the operator configures (SMTP_URL, FCM, AI base URLs) is not.
  const guard = createOutboundGuard({ allow: config.OUTBOUND_ALLOW_HOSTS, resolve: options.resolve });
  const channelMailer = createInboxTransport({ guard });
  const ai = createAiClients({
    baseUrls: {
      openai: config.OPENAI_BASE_URL,
      anthropic: config.ANTHROPIC_BASE_URL,
      openrouter: config.OPENROUTER_BASE_URL,
    },
    timeoutMs: config.AI_TIMEOUT_MS,
  });
  // Jobs may enqueue follow-up work: the queue reaches them through this late-bound field.
  const jobs: JobDeps = {
    db: database.db,
    clock: systemClock,
    mailer,
    push,
    secrets,
    blobs,
    events,
    mailbox: createImapMailbox({ guard }),
    channelMailer,
    knowledge: createKnowledgeReader({ guard }),
    ai,
    queue: undefined!,
  };
  const queue = createMemoryQueue(
    (message) => handleQueueMessage(jobs, message),
    (message, error) => handleDeadMessage(jobs, message, error),
    // Retries 1 s, 4 s, 16 s … up to 5 min apart (≈ 16 min in all), so a short SMTP or IMAP outage is ridden out.
    { attempts: 8, backoffMs: 1000, maxBackoffMs: 5 * 60_000 },
  );
  jobs.queue = queue;
  // The in-process queue does not survive a restart: pick up what the last run left unfinished.
  for (const job of await unfinishedImportJobs(database.db)) await queue.send({ type: "import.run", ...job });
  await requeueUndelivered({ db: database.db, queue }, systemClock.now());
  // One counter table for the API and the purge of a workspace's counters (the workspace-jobs schedule).
  const rateCounter = createMemoryRateCounter();
  const deps: AppDeps = {
    database,
    clock: systemClock,
    queue,
    rateCounter,
    events,
    sockets: realtime.hub,
    secrets,
    blobs,
    ecommerce: createMahoEcommerce({ clock: systemClock, guard }),
    ai,
    mailProbe: createMailProbe({ guard }),
    outbound: guard,
    dns: options.dns ?? createNodeDnsResolver(),
    remoteAddress: (c) => getConnInfo(c).remote.address,
    config: {
      appName: config.APP_NAME,
      secureCookies: config.rootUrl.startsWith("https://"),
      trustForwardedHost: config.TRUST_PROXY,
      clientIpHeader: config.CLIENT_IP_HEADER,
      authRateLimit: config.AUTH_RATE_LIMIT,
      accountRateLimit: config.ACCOUNT_RATE_LIMIT,
      rootUrl: config.rootUrl,
      widgetRateLimit: config.WIDGET_RATE_LIMIT,
      widgetConversationLimit: config.WIDGET_CONVERSATION_LIMIT,
      google: { clientIds: splitList(config.GOOGLE_CLIENT_IDS), jwksUrl: config.GOOGLE_JWKS_URL },
      media: { maxBytes: config.MEDIA_MAX_BYTES, urlTtlSeconds: config.MEDIA_URL_TTL },
      // Built with esbuild on the first GET /widget.js, then served from memory.
      widgetScript: lazyWidgetScript(),
      tenantRouting: { baseDomain: config.BASE_DOMAIN, defaultSlug: config.DEFAULT_TENANT || undefined },
      signup: config.SIGNUP,
      platform: { apiKey: config.PLATFORM_API_KEY, host: config.PLATFORM_HOST, rateLimit: config.PLATFORM_RATE_LIMIT },
    },
  };
  const app = createApp(deps, Object.values(FAMILIES));
  // The periodic jobs, the same table the cloud's crons come from (infra/cron.ts).
  const schedule = startSchedule(
    { db: database.db, clock: systemClock, events, queue, blobs, rateCounter, sockets: realtime.hub },
    log,
  );
  // The agent web app (built by `npm start` before this runs: main.ts) in front of the API.
  const server = await listen(withWebApp(loadWebApp(WEB_DIST), app.fetch), config.PORT, config.HOST);
  realtime.attach(server as import("node:http").Server);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  return {
    url: `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${port}`,
    database,
    realtime: realtime.hub,
    scheduled: schedule.jobs,
    runScheduled: schedule.run,
    async close() {
      await realtime.close();
      schedule.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      channelMailer.close();
      // The system mail pool keeps its SMTP connections open for minutes otherwise, holding the relay's sessions.
      smtpMailer?.close();
      await database.close();
      dataDirLock?.release();
    },
  };
}

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number, hostname: string) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once("error", reject);
  });
}

async function bootstrapDefaultTenant(database: Database, config: ServerConfig, log: (line: string) => void) {
  const password = config.ADMIN_PASSWORD ?? generatePassword();
  const created = await ensureTenant(database.db, {
    slug: config.DEFAULT_TENANT,
    name: config.APP_NAME,
    admin: { email: config.ADMIN_EMAIL, firstName: "Admin", lastName: "", password },
  });
  if (!created) return;
  log("Created the default workspace and its admin agent. Sign in with:");
  log(`  email:    ${config.ADMIN_EMAIL}`);
  log(`  password: ${config.ADMIN_PASSWORD ? "(the ADMIN_PASSWORD you configured)" : password}`);
  log("  (shown once; change it after signing in)");
}

const splitList = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
