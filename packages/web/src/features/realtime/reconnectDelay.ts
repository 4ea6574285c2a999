/** The first retry waits about this long; each failed attempt doubles it, up to CAP_MS. */
export const BASE_MS = 1_000;
export const CAP_MS = 30_000;

/**
 * How long to wait before reconnection attempt `attempt` (0 for the first retry): exponential, capped, with
 * "equal jitter" — half the step fixed, half random — so a server restart is not met by every agent's
 * browser in the same instant, yet no retry comes sooner than half its step.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt));
  return step / 2 + random() * (step / 2);
}
