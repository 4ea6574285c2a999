import type { Actor } from "@helperiq/core/context/index";
import type { Context } from "hono";
import type { Keyring } from "@helperiq/core/crypto/secret-box";
import type { BlobStore, Clock, Database, Events, Queue, RateCounter } from "@helperiq/core/port/index";
import type { TenantRef, TenantRouting } from "@helperiq/core/tenant/index";

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
  /** Requests per IP per minute on the auth family and password reset (spec §3). */
  authRateLimit: number;
  /** Requests per IP per minute on the widget API. */
  widgetRateLimit: number;
  /** Google mobile sign-in: accepted audiences (OAuth client ids) and where Google's keys are served. */
  google: { clientIds: string[]; jwksUrl: string };
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
  /** Media bytes: the filesystem embedded, S3 in the cloud. */
  blobs: BlobStore;
  /** Seals secrets stored in the database (OIDC client secrets, channel passwords, AI keys). */
  secrets: Keyring;
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
  };
};
