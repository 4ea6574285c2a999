/**
 * Fixed-window counters for rate limits. `hit` adds one to the counter of `key` in the current window
 * and returns the new count; keys always include the tenant (or the client IP for pre-tenant routes).
 */
export interface RateCounter {
  hit(key: string, windowSeconds: number, now: Date): Promise<{ count: number; resetAt: Date }>;
}
