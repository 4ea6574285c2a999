import { hashToken, safeEqual } from "@helperiq/core/auth/token";
import { describeError } from "@helperiq/core/errors/describe";
import { AppError, AuthError, NotFoundError, RateLimitError } from "@helperiq/core/errors/index";
import { recordPlatformAudit } from "@helperiq/core/operator-audit/audit";
import { rateKey } from "@helperiq/core/tenant/rate-key";
import { normaliseHost } from "@helperiq/core/tenant/resolve";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppConfig, AppEnv } from "../../env.ts";
import { clientIp } from "../../middleware/client-ip.ts";
import { countHit } from "../../middleware/rate-limit.ts";
import { requestHost } from "../../middleware/tenant.ts";

/** Requests per client IP per minute on the platform API, unless PLATFORM_RATE_LIMIT says otherwise. */
export const DEFAULT_PLATFORM_RATE_LIMIT = 120;
const WINDOW_SECONDS = 60;

/**
 * The one host the platform API answers on, or undefined when there is none (the API is then off): the
 * platform lives outside every workspace, so no workspace's host may serve it. PLATFORM_HOST when set; else
 * BASE_DOMAIN itself (workspaces live on its subdomains, the bare domain is no workspace's); else, in the
 * embedded single-workspace mode, ROOT_URL's host (which also serves the default workspace: its operator
 * and its admins are the same people there).
 */
export function platformHost(config: AppConfig): string | undefined {
  const host = config.platform?.host ?? config.tenantRouting.baseDomain ?? hostOf(config.rootUrl);
  return host ? normaliseHost(host) : undefined;
}

/**
 * The operator's hosts that are no workspace's (besides BASE_DOMAIN's subdomains, which route by slug): the
 * platform API's and ROOT_URL's. No workspace may claim them as a custom domain (custom-domain/hostname.ts).
 */
export function operatorHosts(config: AppConfig): string[] {
  const hosts = [platformHost(config), hostOf(config.rootUrl)].filter((h): h is string => !!h);
  return [...new Set(hosts.map((h) => normaliseHost(h)))];
}

const hostOf = (url: string | undefined) => (url && URL.canParse(url) ? new URL(url).host : undefined);

/** `api:<first 12 hex of the key's SHA-256>`: names the key in the audit log without revealing it. */
export const keyActor = (key: string) => `api:${hashToken(key).slice(0, 12)}`;

/**
 * The gate of every /platform/v1 route, in order: off (no PLATFORM_API_KEY) or another host → 404, as if the
 * path did not exist; over the per-IP rate limit → 429; a missing or wrong key → 401. The key is compared as
 * SHA-256 digests in constant time, so neither its content nor its length leaks through timing. Every call
 * that reaches the platform host is written to the operator audit log (platform_audit) with its outcome.
 */
export const platformAccess = createMiddleware<AppEnv>(async (c, next) => {
  const { config } = c.get("deps");
  const expected = config.platform?.apiKey;
  const host = platformHost(config);
  if (!expected || !host || normaliseHost(requestHost(c)) !== host) throw new NotFoundError(`Route ${c.req.path}`);
  const given = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const valid = given !== undefined && safeEqual(hashToken(given), hashToken(expected));
  let refused: unknown;
  try {
    const limit = config.platform?.rateLimit ?? DEFAULT_PLATFORM_RATE_LIMIT;
    // Outside any workspace: the tenant segment of the key is `-`.
    const hit = await countHit(c, rateKey("rl", "platform", undefined, clientIp(c)), WINDOW_SECONDS);
    if (hit && hit.count > limit) throw new RateLimitError(hit.retryAfterSeconds);
    if (!valid) throw new AuthError("A valid platform API key is required (Authorization: Bearer <PLATFORM_API_KEY>)");
    // A route's own error is already an answer here (Hono's onError ran), with c.error set.
    await next();
  } catch (err) {
    refused = err;
    throw err;
  } finally {
    await audit(c, valid ? keyActor(expected) : "api:invalid-key", refused ?? c.error);
  }
});

/** After the route ran (or was refused): the outcome is the error's status, or the answer's. */
async function audit(c: Context<AppEnv>, actor: string, error: unknown) {
  const target = c.get("platformAudit");
  const route = c.req.routePath;
  try {
    await recordPlatformAudit(c.get("deps").database.db, {
      actor,
      action: `${c.req.method} ${route.endsWith("*") ? c.req.path : route}`,
      workspaceSlug: target?.slug ?? c.req.param("slug") ?? null,
      status: error ? ((error as { status?: number }).status ?? 500) : c.res.status,
      ip: clientIp(c),
      // An unexpected error's message may hold anything (a query's values): only the contract's errors are kept.
      detail: {
        ...target?.detail,
        ...(error ? { error: error instanceof AppError ? error.message : "unexpected error" } : {}),
      },
    });
  } catch (err) {
    // The call itself is done (a workspace may exist now): the missing entry is logged loudly instead.
    console.error(
      `[${c.get("requestId")}] platform audit entry lost for ${c.req.method} ${c.req.path}: ${describeError(err)}`,
    );
  }
}
