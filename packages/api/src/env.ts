import type { Actor } from "@helperiq/core/context/index";
import type { Context } from "hono";
import type { Keyring } from "@helperiq/core/crypto/secret-box";
import type {
  BlobStore,
  Clock,
  Database,
  Events,
  Queue,
  RateCounter,
  WorkspaceSockets,
} from "@helperiq/core/port/index";
import type { TenantRef, TenantRouting } from "@helperiq/core/tenant/index";
import type { MailProbe } from "@helperiq/core/port/mail-probe";
import type { Ecommerce } from "@helperiq/core/port/ecommerce";
import type { AiClients } from "@helperiq/core/port/ai-clients";
import type { Outbound } from "@helperiq/core/port/outbound";
import type { DnsResolver } from "@helperiq/core/port/dns";
import type { DeclaredResponse } from "./route-meta.ts";

export type AppConfig = {
  tenantRouting: TenantRouting;
  /** Cookies get `Secure` unless the app is served over plain http (local mode). */
  secureCookies: boolean;
  appName: string;
  /** Only behind a proxy that sets it: take the workspace host from X-Forwarded-Host. */
  trustForwardedHost: boolean;
  /**
   * Header carrying the client IP, set by a trusted proxy (e.g. "x-forwarded-for": its last hop is used);
   * unset means the socket address (or API Gateway's sourceIp) is the client.
   */
  clientIpHeader?: string | undefined;
  /** Requests per IP per minute on the auth family and password reset. */
  authRateLimit: number;
  /**
   * Sign-in, Google sign-in, password-reset and set-password attempts per account (or token) per minute,
   * on top of the per-IP limit; longer windows back off from it (account-throttle.ts). Default 5.
   */
  accountRateLimit?: number | undefined;
  /**
   * The public URL (ROOT_URL): where links sent by mail point when the workspace has no `root_url`
   * setting and is not reachable under BASE_DOMAIN or a custom domain (canonicalOrigin in origin.ts).
   */
  rootUrl?: string | undefined;
  /** Requests per IP per minute on the widget API. */
  widgetRateLimit: number;
  /** Conversations one IP may open per live-chat inbox per hour; unset, DEFAULT_WIDGET_CONVERSATION_LIMIT (rate-buckets.ts). */
  widgetConversationLimit?: number | undefined;
  /** Google mobile sign-in: accepted audiences (OAuth client ids) and where Google's keys are served. */
  google: { clientIds: string[]; jwksUrl: string };
  /**
   * Uploads: size limit in bytes (MEDIA_MAX_BYTES, default 25 MB) and lifetime of signed media URLs in
   * seconds (MEDIA_URL_TTL, default 24 h). Unset, the defaults apply (packages/api/src/media-url.ts).
   */
  media?: { maxBytes?: number | undefined; urlTtlSeconds?: number | undefined } | undefined;
  /**
   * The embeddable live-chat script served at `/widget.js` (packages/widget): built with esbuild on first
   * use embedded, prebuilt into the widget Lambda in the cloud. Unset, `/widget.js` is 404.
   */
  widgetScript?: (() => Promise<string>) | undefined;
  /**
   * Check every success answer against the route's declared response schema and answer 500 naming the
   * difference (response-check.ts): on in the test suites, so a view that drifts from its schema fails them.
   */
  checkResponses?: boolean | undefined;
  /**
   * The port custom-domain verification's HTTP check connects to (default 80, like ACME's HTTP-01; redirects to
   * https are followed). Only the test suites change it, to reach a local server.
   */
  domainVerificationPort?: number | undefined;
  /**
   * Self-serve sign-up (SIGNUP, default closed): `open` serves /api/v1/signup on BASE_DOMAIN itself; closed, or
   * without BASE_DOMAIN, its paths answer 404 (families/signup.ts).
   */
  signup?: "open" | "closed" | undefined;
  /**
   * The operator's platform API under /platform/v1 (families/platform/). Without `apiKey` (PLATFORM_API_KEY)
   * it is off and every one of its paths answers 404. It is served on one host only (platformHost in
   * families/platform/access.ts): `host` (PLATFORM_HOST), else BASE_DOMAIN itself, else ROOT_URL's host.
   */
  platform?: { apiKey?: string | undefined; host?: string | undefined; rateLimit?: number | undefined } | undefined;
};

/** What the composition root plugs in: the adapters chosen for this environment. */
export type AppDeps = {
  database: Database;
  clock: Clock;
  /** Background work; publish only after the request's writes have committed. */
  queue: Queue;
  rateCounter: RateCounter;
  /** Domain events for realtime, published after commit. */
  events: Events;
  /** The runtime's open WebSockets: a suspended or deleted workspace's are closed at once (core/platform/lifecycle.ts). */
  sockets: WorkspaceSockets;
  /** Media bytes: the filesystem embedded, S3 in the cloud. */
  blobs: BlobStore;
  /** Seals secrets stored in the database (OIDC client secrets, channel passwords, AI keys). */
  secrets: Keyring;
  /** Connection tests of inbox mail servers (test-imap / test-smtp). */
  mailProbe: MailProbe;
  /**
   * The outbound-connection policy (packages/adapters/src/net/outbound-guard.ts, OUTBOUND_ALLOW_HOSTS): saved
   * hosts and URLs are checked against it, and the OIDC sign-in fetches through it.
   */
  outbound: Outbound;
  /** TXT look-ups of custom-domain verification (node:dns; a fixed table in the suites). */
  dns: DnsResolver;
  /** The store integration (Maho Commerce REST); it caches OAuth tokens per workspace. */
  ecommerce: Ecommerce;
  /** Cloud AI provider clients (packages/adapters/src/ai); core/ai/resolve.ts picks the provider per workspace/inbox. */
  ai: AiClients;
  /** The peer address of the connection (socket, or API Gateway's sourceIp); see AppConfig.clientIpHeader. */
  remoteAddress: (c: Context) => string | undefined;
  config: AppConfig;
};

export type AppEnv = {
  Variables: {
    requestId: string;
    deps: AppDeps;
    tenant: TenantRef;
    actor: Actor;
    /** The route's declared success answer, once its `responds()` middleware ran. */
    declaredResponse: DeclaredResponse | undefined;
    /** What a platform API route tells the operator audit log beyond its path (families/platform/access.ts). */
    platformAudit: { slug?: string | undefined; detail?: Record<string, unknown> | undefined } | undefined;
  };
};
