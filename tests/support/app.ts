import { createMahoEcommerce } from "@helperiq/adapters/ecommerce/maho";
import { createAiClients } from "@helperiq/adapters/ai/index";
import type { AiClients } from "@helperiq/core/port/ai-clients";
import { createApp, FAMILIES, type AppConfig, type AppDeps } from "@helperiq/api";
import { createEventBus } from "@helperiq/adapters/events/bus";
import { noSockets } from "@helperiq/adapters/realtime/no-sockets";
import { createFilesystemBlobStore } from "@helperiq/adapters/blob/filesystem";
import { createImapMailbox } from "@helperiq/adapters/mail/imap-mailbox";
import { createInboxTransport } from "@helperiq/adapters/mail/inbox-transport";
import { createMailProbe } from "@helperiq/adapters/mail/probe";
import { createOutboundGuard, type OutboundGuard, type Resolve } from "@helperiq/adapters/net/outbound-guard";
import { createKnowledgeReader } from "@helperiq/adapters/knowledge/index";
import type { BlobStore } from "@helperiq/core/port/blob-store";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryQueue } from "@helperiq/adapters/queue/memory";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { generateKeyringSpec, parseKeyring, type Keyring } from "@helperiq/core/crypto/secret-box";
import type { DomainEvent, Mailer, OutgoingMail } from "@helperiq/core/port/index";
import { handleDeadMessage, handleQueueMessage, type JobDeps } from "@helperiq/core/job/index";
import type { Clock, Database } from "@helperiq/core/port/index";
import { createTableDns, type TableDns } from "./dns.ts";
import { createRecordingPush, type RecordingPush } from "./push-device.ts";
import { openTestDatabase } from "./test-db.ts";

export const BASE_DOMAIN = "helperiq.test";

/** A clock tests can move forward. */
export function testClock(start = new Date()): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

export type TestApp = {
  app: ReturnType<typeof createApp>;
  database: Database;
  clock: ReturnType<typeof testClock>;
  /** The real job handlers on the embedded queue; `drain()` waits for background work to finish. */
  queue: ReturnType<typeof createMemoryQueue>;
  /** System mail "sent" by the app, unless a real Mailer was passed in. */
  outbox: OutgoingMail[];
  /** Domain events the app published (after commit), oldest first. */
  published: DomainEvent[];
  /** Mobile pushes the background jobs sent, as the devices received them. */
  push: RecordingPush;
  /** The keyring the app seals stored secrets with. */
  secrets: Keyring;
  /** Media bytes, in a temporary directory of this app's own. */
  blobs: BlobStore;
  /** What the queue's job handlers run with, for calling one directly (e.g. pollInbox with options). */
  jobs: JobDeps;
  /** The app's outbound-connection guard, for adapters a test builds itself. */
  outbound: OutboundGuard;
  /** The app's DNS: a table of TXT records the test fills (custom-domain verification). */
  dns: TableDns;
  /** What the app was composed with: `createApp({ ...t.deps, rateCounter }, …)` swaps one adapter. */
  deps: AppDeps;
  close(): Promise<void>;
};

/** The full application, in process, on a private database; requests go through `app.request`. */
/** Requests made with `app.request` have no socket: tests name the client address in this header. */
export const TEST_IP_HEADER = "x-test-remote-addr";

/**
 * OUTBOUND_ALLOW_HOSTS of the test apps: the local servers tests point workspaces at (Dovecot, smtp-server,
 * Maho, OIDC provider, crawled sites) listen on 127.0.0.1. The SSRF suite (tests/security/outbound-guard.test.ts)
 * boots its app with a guard of its own, fully on.
 */
export const TEST_OUTBOUND_ALLOW = "127.0.0.1,localhost";

/**
 * The test apps' name resolution: `localhost` only. A workspace in a test may name any host
 * (imap.acme.example, smtp.example.com); such a name does not resolve, as a reserved or unknown name does
 * on the Internet, so no test sends traffic, DNS queries included, beyond the loopback interface.
 */
export const loopbackResolve: Resolve = async (host) => {
  if (host.toLowerCase() === "localhost") return [{ address: "127.0.0.1", family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} (tests resolve loopback names only)`), {
    code: "ENOTFOUND",
    hostname: host,
  });
};

/**
 * `ai`: provider clients for tests that run local provider servers (tests/support/ai-servers.ts); without it,
 * every cloud base URL is an unreachable loopback port, so no test ever calls a real provider.
 * `outbound`: the outbound-connection guard; by default one that allows TEST_OUTBOUND_ALLOW and resolves
 * through loopbackResolve.
 */
export async function bootTestApp(
  config: Partial<AppConfig> = {},
  given?: Database,
  mailer?: Mailer,
  blobStore?: BlobStore,
  ai?: AiClients,
  outbound: OutboundGuard = createOutboundGuard({ allow: TEST_OUTBOUND_ALLOW, resolve: loopbackResolve }),
): Promise<TestApp> {
  const database = given ?? (await openTestDatabase());
  const clock = testClock();
  const outbox: OutgoingMail[] = [];
  const dns = createTableDns();
  const push = createRecordingPush();
  const secrets = parseKeyring(generateKeyringSpec());
  // The filesystem store unless a test brings another (tests/infra/s3-blob-store.test.ts: S3).
  const blobs = blobStore ?? createFilesystemBlobStore(mkdtempSync(join(tmpdir(), "hq-media-")));
  // Every published domain event (requests and background jobs), in order, for assertions.
  const events = createEventBus();
  const published: DomainEvent[] = [];
  events.subscribe((event) => void published.push(event));
  const channelMailer = createInboxTransport({ guard: outbound, timeoutMs: 10_000 });
  const aiClients =
    ai ??
    createAiClients({
      baseUrls: {
        openai: "http://127.0.0.1:1/v1",
        anthropic: "http://127.0.0.1:1",
        openrouter: "http://127.0.0.1:1/api/v1",
      },
      maxRetries: 0,
      timeoutMs: 5_000,
    });
  // Jobs may enqueue follow-up work: the queue reaches them through this late-bound field.
  const jobs: JobDeps = {
    queue: undefined!,
    db: database.db,
    clock,
    mailer: mailer ?? { send: async (mail: OutgoingMail) => void outbox.push(mail) },
    push,
    secrets,
    blobs,
    events,
    mailbox: createImapMailbox({ guard: outbound, timeoutMs: 10_000 }),
    channelMailer,
    knowledge: createKnowledgeReader({ guard: outbound }),
    ai: aiClients,
  };
  const queue = createMemoryQueue(
    (message) => handleQueueMessage(jobs, message),
    (message, error) => handleDeadMessage(jobs, message, error),
    { backoffMs: 10 },
  );
  jobs.queue = queue;
  const deps: AppDeps = {
    database,
    clock,
    queue,
    rateCounter: createMemoryRateCounter(),
    events,
    // No server, no WebSockets: tests/realtime/ boots real servers to see sockets closed.
    sockets: noSockets,
    secrets,
    blobs,
    ecommerce: createMahoEcommerce({ clock, guard: outbound }),
    ai: aiClients,
    // Short, so the inbox tests' unreachable-server cases finish quickly.
    mailProbe: createMailProbe({ guard: outbound, timeoutMs: 5_000 }),
    outbound,
    dns,
    remoteAddress: (c) => c.req.header(TEST_IP_HEADER) ?? "127.0.0.1",
    config: {
      appName: "HelperIQ",
      secureCookies: false,
      trustForwardedHost: false,
      authRateLimit: 10_000,
      // Suites sign the same admin in many times a minute; tests/api/auth-throttle.test.ts checks the default.
      accountRateLimit: 10_000,
      widgetRateLimit: 10_000,
      widgetConversationLimit: 10_000,
      google: { clientIds: [], jwksUrl: "http://127.0.0.1:1/unused" },
      tenantRouting: { baseDomain: BASE_DOMAIN },
      // Every success answer of every suite is checked against its route's declared schema (response-check.ts).
      checkResponses: true,
      ...config,
    },
  };
  const app = createApp(deps, Object.values(FAMILIES));
  return {
    app,
    deps,
    database,
    clock,
    queue,
    outbox,
    published,
    push,
    secrets,
    blobs,
    jobs,
    outbound,
    dns,
    async close() {
      await queue.drain();
      channelMailer.close();
      await database.close();
    },
  };
}

export type Reply = { status: number; body: any; headers: Headers };

export type Credentials = { bearer?: string; cookies?: Record<string, string>; csrf?: string };

/** Speaks to the app as one caller on one workspace host. */
export class Client {
  constructor(
    readonly t: TestApp,
    readonly host: string,
    readonly creds: Credentials = {},
  ) {}

  with(creds: Credentials): Client {
    return new Client(this.t, this.host, creds);
  }

  onHost(host: string): Client {
    return new Client(this.t, host, this.creds);
  }

  /** A multipart/form-data POST with one `file` field. */
  upload(path: string, content: string | Uint8Array, filename = "upload.csv", type = "text/csv"): Promise<Reply> {
    const form = new FormData();
    form.append("file", new File([content], filename, { type }));
    return this.request("POST", path, form);
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { host: this.host, ...headers };
    if (this.creds.bearer) h.authorization = `Bearer ${this.creds.bearer}`;
    if (this.creds.cookies) {
      h.cookie = Object.entries(this.creds.cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join("; ");
    }
    if (this.creds.csrf) h["x-csrftoken"] = this.creds.csrf;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) {
      payload = body; // fetch sets the multipart content type with its boundary
    } else if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await this.t.app.request(`http://${this.host}${path}`, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get = (path: string) => this.request("GET", path);
  post = (path: string, body?: unknown) => this.request("POST", path, body ?? {});
  put = (path: string, body?: unknown) => this.request("PUT", path, body ?? {});
  delete = (path: string) => this.request("DELETE", path);

  /** Logs in with a password and returns a client carrying the session cookie and CSRF token. */
  async login(email: string, password: string): Promise<Client> {
    const res = await this.t.app.request(`http://${this.host}/api/v1/auth/login`, {
      method: "POST",
      headers: { host: this.host, "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    const cookies = parseSetCookies(res.headers);
    return new Client(this.t, this.host, { cookies, csrf: cookies.csrf_token! });
  }
}

export function parseSetCookies(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(";");
    const i = pair!.indexOf("=");
    out[pair!.slice(0, i).trim()] = decodeURIComponent(pair!.slice(i + 1).trim());
  }
  return out;
}
