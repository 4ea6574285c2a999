import type { Actor } from "@helperiq/core/context/index";
import type { Clock, Database, Queue } from "@helperiq/core/port/index";
import type { TenantRef, TenantRouting } from "@helperiq/core/tenant/index";

export type AppConfig = {
  tenantRouting: TenantRouting;
  /** Cookies get `Secure` unless the app is served over plain http (local mode). */
  secureCookies: boolean;
  appName: string;
  /** Only behind a proxy that sets it: take the workspace host from X-Forwarded-Host. */
  trustForwardedHost: boolean;
};

/** What the composition root plugs in: the adapters chosen for this environment. */
export type AppDeps = {
  database: Database;
  clock: Clock;
  /** Background work; publish only after the request's writes have committed. */
  queue: Queue;
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
