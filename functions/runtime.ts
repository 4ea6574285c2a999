import { createNodeDnsResolver } from "@helperiq/adapters/dns/node-resolver";
import { createMahoEcommerce } from "@helperiq/adapters/ecommerce/maho";
import type { MailProbe } from "@helperiq/core/port/mail-probe";
import type { Ecommerce } from "@helperiq/core/port/ecommerce";
import { createApp } from "@helperiq/api/app";
import type { AppConfig, AppDeps, AppEnv } from "@helperiq/api/env";
import type { Hono } from "hono";
import { systemClock } from "@helperiq/core/port/index";
import { createDynamoRateCounter } from "@helperiq/adapters/ratelimit/dynamodb";
import { createMemoryRateCounter } from "@helperiq/adapters/ratelimit/memory";
import { parseKeyring } from "@helperiq/core/crypto/secret-box";
import { describeError } from "@helperiq/core/errors/describe";
import { cloudEvents, cloudSockets } from "./ws/realtime.ts";
import { getConnInfo, handle, type APIGatewayProxyResult, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { sharedDatabase } from "./database.ts";
import { prebuiltWidgetScript } from "./widget-script.ts";
import { cloudAi, cloudBlobs, cloudOutbound, cloudQueue } from "./cloud-ports.ts";

export type LambdaHandler = (event: LambdaEvent, context?: LambdaContext) => Promise<APIGatewayProxyResult>;

/**
 * The Lambda entry of one endpoint family. `getDeps` runs on the first request, not at import time, and
 * its result is kept for the life of the container; if it fails, the next request tries again.
 */
export function createHandler(
  name: string,
  family: Hono<AppEnv>,
  getDeps: () => AppDeps | Promise<AppDeps>,
): LambdaHandler {
  let serving: Promise<LambdaHandler> | undefined;
  return async (event, context) => {
    serving ??= Promise.resolve()
      .then(getDeps)
      .then((deps) => handle(createApp(deps, [family])));
    let serve: LambdaHandler;
    try {
      serve = await serving;
    } catch (err) {
      serving = undefined;
      console.error(`[${name}] could not start: ${describeError(err, { stack: true })}`);
      return startupFailure();
    }
    return serve(event, context);
  };
}

/** The cloud composition: Neon, the system clock, SQS and configuration from the function's environment. */
export function cloudDeps(): AppDeps {
  const env = process.env;
  if (!env.SECRET_KEYS) throw new Error("SECRET_KEYS is not set (see infra/secrets.ts)");
  return {
    database: sharedDatabase(),
    clock: systemClock,
    queue: cloudQueue(env),
    // Pushed to the WebSocket clients through the API Gateway Management API (infra/realtime.ts).
    events: cloudEvents(sharedDatabase()),
    // A suspended or deleted workspace's connections, closed through the same registry and management API.
    sockets: cloudSockets(sharedDatabase()),
    // RATE_TABLE reaches every family but the health check (infra/api.ts). Memory counters in Lambda are per
    // container, so they limit nothing across instances: only a fallback where no table is linked.
    rateCounter: env.RATE_TABLE ? createDynamoRateCounter({ tableName: env.RATE_TABLE }) : createMemoryRateCounter(),
    secrets: parseKeyring(env.SECRET_KEYS),
    // One per container, so the store's OAuth tokens are reused across warm invocations.
    ecommerce: (ecommerce ??= createMahoEcommerce({ clock: systemClock, guard: cloudOutbound(env) })),
    ai: cloudAi(env),
    mailProbe: noMailProbe,
    outbound: cloudOutbound(env),
    dns: createNodeDnsResolver(),
    blobs: cloudBlobs(env),
    remoteAddress: (c) => getConnInfo(c).remote.address,
    config: cloudConfig(env),
  };
}

/** Only functions/http/inboxes.ts and settings.ts test mail servers: the other bundles stay without imapflow and nodemailer. */
const noMailProbe: MailProbe = {
  imap: async () => {
    throw new Error("this function cannot test mail servers (functions/http/inboxes.ts and settings.ts can)");
  },
  smtp: async () => {
    throw new Error("this function cannot test mail servers (functions/http/inboxes.ts and settings.ts can)");
  },
};

/** One per container, so the store's OAuth tokens are reused across warm invocations. */
let ecommerce: Ecommerce | undefined;

export function cloudConfig(env: NodeJS.ProcessEnv): AppConfig {
  const rootUrl = env.ROOT_URL ?? "";
  return {
    appName: env.APP_NAME || "HelperIQ",
    // API Gateway only serves https, so cookies are Secure unless ROOT_URL explicitly says plain http.
    secureCookies: !rootUrl.startsWith("http://"),
    trustForwardedHost: env.TRUST_PROXY === "true" || env.TRUST_PROXY === "1",
    clientIpHeader: env.CLIENT_IP_HEADER?.toLowerCase() || undefined,
    authRateLimit: positiveInt(env, "AUTH_RATE_LIMIT") ?? 10,
    accountRateLimit: positiveInt(env, "ACCOUNT_RATE_LIMIT"),
    rootUrl: rootUrl || undefined,
    widgetRateLimit: positiveInt(env, "WIDGET_RATE_LIMIT") ?? 60,
    widgetConversationLimit: positiveInt(env, "WIDGET_CONVERSATION_LIMIT"),
    google: {
      clientIds: (env.GOOGLE_CLIENT_IDS ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      jwksUrl: env.GOOGLE_JWKS_URL || "https://www.googleapis.com/oauth2/v3/certs",
    },
    media: {
      maxBytes: positiveInt(env, "MEDIA_MAX_BYTES"),
      urlTtlSeconds: positiveInt(env, "MEDIA_URL_TTL", { min: 60, max: 7 * 24 * 3600 }),
    },
    // Only the widget Lambda has it (baked in at deploy); /widget.js is routed there alone.
    widgetScript: prebuiltWidgetScript(),
    tenantRouting: { baseDomain: env.BASE_DOMAIN || undefined, defaultSlug: env.DEFAULT_TENANT || undefined },
    // Open only when set so and BASE_DOMAIN is there to host new workspaces (families/signup.ts).
    signup: env.SIGNUP === "open" ? "open" : "closed",
    // Only the platform Lambda has the key (infra/api.ts, SST secret PlatformApiKey); elsewhere the API is off.
    platform: {
      apiKey: env.PLATFORM_API_KEY || undefined,
      host: env.PLATFORM_HOST || undefined,
      rateLimit: positiveInt(env, "PLATFORM_RATE_LIMIT"),
    },
  };
}

/**
 * A whole-number setting of at least `min` (1 unless said): unset or empty is `undefined` (the default applies);
 * anything else (`-5`, `1.5`, `abc`) stops the function's start with an error naming the variable, as the embedded
 * server's configuration does, rather than being taken as is or silently replaced by the default.
 */
function positiveInt(
  env: NodeJS.ProcessEnv,
  name: string,
  bounds: { min?: number; max?: number } = {},
): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const min = bounds.min ?? 1;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= min && n <= (bounds.max ?? Number.MAX_SAFE_INTEGER)))
    throw new Error(
      `${name} must be a whole number from ${min}${bounds.max ? ` to ${bounds.max}` : ""}, not ${JSON.stringify(raw)}`,
    );
  return n;
}

function startupFailure(): APIGatewayProxyResult {
  return {
    statusCode: 500,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ data: { message: "Unexpected error (service not configured)", type: "GeneralError" } }),
    isBase64Encoded: false,
  };
}
