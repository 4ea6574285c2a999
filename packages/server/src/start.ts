import { serve, type ServerType } from "@hono/node-server";
import { openDatabase } from "@helperiq/adapters/db/open";
import { createApp, FAMILIES, type AppDeps } from "@helperiq/api";
import { generatePassword } from "@helperiq/core/auth/password";
import { systemClock, type Database } from "@helperiq/core/port/index";
import { unfinishedImportJobs } from "@helperiq/core/import/index";
import { handleDeadMessage, handleQueueMessage, type JobDeps } from "@helperiq/core/job/index";
import { ensureTenant } from "@helperiq/core/tenant/index";
import { wakeSnoozedConversations } from "@helperiq/core/conversation/snooze";
import { createConsoleMailer } from "@helperiq/adapters/mail/console";
import { createSmtpMailer } from "@helperiq/adapters/mail/smtp";
import { createConfiguredPush } from "@helperiq/adapters/push/configured";
import { createEventBus } from "@helperiq/adapters/events/bus";
import { createMemoryQueue } from "@helperiq/adapters/queue/memory";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { join } from "node:path";
import { loadKeyring } from "./secrets.ts";
import type { ServerConfig } from "./config.ts";

export type RunningServer = { url: string; database: Database; close(): Promise<void> };

/** Opens the database, migrates, makes sure the default workspace exists, and serves every family. */
export async function startServer(config: ServerConfig, log: (line: string) => void = console.log): Promise<RunningServer> {
  // First: a malformed FCM key file fails the start before anything is opened.
  const push = createConfiguredPush({ serviceAccount: config.FCM_SERVICE_ACCOUNT, endpoint: config.FCM_ENDPOINT });
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, driver: config.DATABASE_DRIVER, dataDir: config.DATA_DIR });
  try {
    await database.migrate();
    if (config.DEFAULT_TENANT) await bootstrapDefaultTenant(database, config, log);
  } catch (err) {
    await database.close();
    throw err;
  }
  const mailer = config.SMTP_URL ? createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM }) : createConsoleMailer();
  const secrets = loadKeyring(config.SECRET_KEYS, config.DATA_DIR);
  const blobs = createFilesystemBlobStore(join(config.DATA_DIR, "media"));
  const events = createEventBus();
  // Jobs may enqueue follow-up work: the queue reaches them through this late-bound field.
  const jobs: JobDeps = { db: database.db, clock: systemClock, mailer, push, secrets, blobs, events, queue: undefined! };
  const queue = createMemoryQueue(
    (message) => handleQueueMessage(jobs, message),
    (message, error) => handleDeadMessage(jobs, message, error),
  );
  jobs.queue = queue;
  // The in-process queue does not survive a restart: pick up what the last run left unfinished.
  for (const job of await unfinishedImportJobs(database.db)) await queue.send({ type: "import.run", ...job });
  const deps: AppDeps = {
    database,
    clock: systemClock,
    queue,
    rateCounter: createMemoryRateCounter(),
    events,
    secrets,
    blobs,
    remoteAddress: (c) => getConnInfo(c).remote.address,
    config: {
      appName: config.APP_NAME,
      secureCookies: config.rootUrl.startsWith("https://"),
      trustForwardedHost: config.TRUST_PROXY,
      clientIpHeader: config.CLIENT_IP_HEADER,
      authRateLimit: config.AUTH_RATE_LIMIT,
      widgetRateLimit: config.WIDGET_RATE_LIMIT,
      google: { clientIds: splitList(config.GOOGLE_CLIENT_IDS), jwksUrl: config.GOOGLE_JWKS_URL },
      tenantRouting: { baseDomain: config.BASE_DOMAIN, defaultSlug: config.DEFAULT_TENANT || undefined },
    },
  };
  const app = createApp(deps, Object.values(FAMILIES));
  // The embedded stand-in for the cloud's wake-snoozed cron (infra/cron.ts).
  const wakeTimer = setInterval(() => {
    wakeSnoozedConversations(database.db, systemClock.now())
      .then(({ events }) => deps.events.publish(events))
      .catch((err) => log(`[wake-snoozed] ${String(err)}`));
  }, 60_000);
  wakeTimer.unref();
  const server = await listen(app.fetch, config.PORT, config.HOST);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  return {
    url: `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${port}`,
    database,
    async close() {
      clearInterval(wakeTimer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.drain();
      await database.close();
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
