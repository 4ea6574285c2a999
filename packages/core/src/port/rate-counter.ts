/**
 * Fixed-window counters for rate limits. `hit` adds one to the counter of `key` in the current window
 * and returns the new count; keys always include the tenant (or the client IP for pre-tenant routes), built
 * by rateKey (tenant/rate-key.ts) so a workspace's counters can be found again.
 */
export interface RateCounter {
  hit(key: string, windowSeconds: number, now: Date): Promise<{ count: number; resetAt: Date }>;
  /**
   * Removes every counter whose key `match` accepts (a purged workspace's); returns how many. Counters only
   * live a window, so this is a sweep of what is current, not of history.
   */
  forget(match: (key: string) => boolean): Promise<number>;
}
