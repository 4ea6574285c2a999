import { readFileSync } from "node:fs";
import path from "node:path";
import { databaseUrl, fcmServiceAccount, secretKeys, smtpUrl } from "./secrets";

/** Settings shared by every HelperIQ Lambda. */
export const NODE_RUNTIME = "nodejs22.x";

/**
 * @node-rs/argon2 is a native addon esbuild cannot bundle; SST installs it into the function package for
 * the Lambda platform instead, at the version installed here (the root package.json does not list it, and
 * without a version SST would take the latest). Every HTTP family reaches it through the auth middleware.
 */
export const NATIVE_PACKAGES = { "@node-rs/argon2": installedVersion("@node-rs/argon2") };

/**
 * The AWS SDK v3 comes with the Lambda Node runtime, so bundles leave it out (SST would bundle it) and
 * scripts/bundle-size.ts measures them the same way.
 */
export const LAMBDA_ESBUILD = { external: ["@aws-sdk/*"] };

function installedVersion(name: string): string {
  return JSON.parse(readFileSync(path.resolve("node_modules", name, "package.json"), "utf8")).version;
}

/** What functions/database.ts reads. */
export function databaseEnvironment(): Record<string, $util.Input<string>> {
  return { DATABASE_URL: databaseUrl.value };
}

/** What the queue worker needs to send system mail (functions/queue/worker.ts). */
export function mailEnvironment(): Record<string, $util.Input<string>> {
  return { SMTP_URL: smtpUrl.value, ...(process.env.MAIL_FROM ? { MAIL_FROM: process.env.MAIL_FROM } : {}) };
}

/** What the queue worker needs to send mobile pushes (functions/queue/worker.ts). */
export function pushEnvironment(): Record<string, $util.Input<string>> {
  return {
    FCM_SERVICE_ACCOUNT: fcmServiceAccount.value,
    ...(process.env.FCM_ENDPOINT ? { FCM_ENDPOINT: process.env.FCM_ENDPOINT } : {}),
  };
}

/** The operator's exceptions to the outbound-connection policy, for every function that connects on a workspace's behalf. */
export function outboundEnvironment(): Record<string, $util.Input<string>> {
  return process.env.OUTBOUND_ALLOW_HOSTS ? { OUTBOUND_ALLOW_HOSTS: process.env.OUTBOUND_ALLOW_HOSTS } : {};
}

/** What functions/runtime.ts reads to compose an HTTP family (README: Configuration). */
export function appEnvironment(rootUrl: $util.Input<string>): Record<string, $util.Input<string>> {
  const optional = (name: string) => (process.env[name] ? { [name]: process.env[name]! } : {});
  return {
    ...databaseEnvironment(),
    SECRET_KEYS: secretKeys.value,
    APP_NAME: process.env.APP_NAME ?? "HelperIQ",
    ROOT_URL: process.env.ROOT_URL ?? rootUrl,
    ...optional("BASE_DOMAIN"),
    ...optional("DEFAULT_TENANT"),
    ...optional("SIGNUP"),
    // Requests arrive through the web router (infra/web.ts), whose viewer-request function sets
    // X-Forwarded-Host to the Host the browser used: workspaces and same-origin checks must read that.
    TRUST_PROXY: process.env.TRUST_PROXY ?? "true",
    ...optional("CLIENT_IP_HEADER"),
    ...optional("AUTH_RATE_LIMIT"),
    ...optional("ACCOUNT_RATE_LIMIT"),
    ...optional("WIDGET_RATE_LIMIT"),
    ...optional("WIDGET_CONVERSATION_LIMIT"),
    ...optional("GOOGLE_CLIENT_IDS"),
    ...optional("GOOGLE_JWKS_URL"),
    ...optional("MEDIA_MAX_BYTES"),
    ...optional("MEDIA_URL_TTL"),
    ...outboundEnvironment(),
  };
}
