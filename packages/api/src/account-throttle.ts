import { hashToken } from "@helperiq/core/auth/token";
import { RateLimitError } from "@helperiq/core/errors/index";
import { rateKey } from "@helperiq/core/tenant/rate-key";
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { countHit } from "./middleware/rate-limit.ts";

/** What is throttled per account (or per token): each has its own counters. */
export type AccountAction = "sign-in" | "google-sign-in" | "password-reset" | "set-password";

/** Attempts per account per minute when AppConfig.accountRateLimit is unset (ACCOUNT_RATE_LIMIT). */
export const DEFAULT_ACCOUNT_RATE_LIMIT = 5;

/**
 * The backoff, as fixed windows over the same account: `limit` attempts a minute, twice that in 15 minutes,
 * four times that in an hour. A guesser spread over many IPs gets `limit` checks at once, then fewer and
 * fewer; the longest window is an hour, so an attacker can never keep a user out for longer than that
 * after they stop.
 */
function steps(limit: number) {
  return [
    { windowSeconds: 60, attempts: limit },
    { windowSeconds: 15 * 60, attempts: 2 * limit },
    { windowSeconds: 60 * 60, attempts: 4 * limit },
  ];
}

/**
 * Counts one attempt at `action` on `subject` (an email, or a set-password token) in this workspace and
 * throws RateLimitError (429 with Retry-After) once the account is over its backoff. Called before any
 * lookup or password check, for unknown accounts exactly as for known ones, so neither the answer nor
 * its timing tells them apart. The key holds a hash of the subject, never the email or token itself.
 * Like the per-IP limit, an unreachable counter store lets the attempt through (countHit logs it).
 */
export async function throttleAccount(c: Context<AppEnv>, action: AccountAction, subject: string): Promise<void> {
  const key = rateKey("acct", action, c.get("tenant").id, hashToken(subject.trim().toLowerCase()));
  // Shortest window first; an attempt refused by one window is not counted in the longer ones.
  for (const step of steps(c.get("deps").config.accountRateLimit ?? DEFAULT_ACCOUNT_RATE_LIMIT)) {
    const hit = await countHit(c, `${key}:${step.windowSeconds}`, step.windowSeconds);
    if (!hit) return;
    if (hit.count > step.attempts) throw new RateLimitError(hit.retryAfterSeconds);
  }
}
