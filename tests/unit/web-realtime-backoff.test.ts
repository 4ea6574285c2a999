import { describe, expect, it } from "vitest";
import { BASE_MS, CAP_MS, reconnectDelay } from "../../packages/web/src/features/realtime/reconnectDelay.ts";

/**
 * The web app's reconnection schedule (the reconnecting itself is driven in Chromium by
 * tests/browser/web-realtime.test.ts): exponential from about a second, capped near 30 s, jittered so a
 * restarted server is not met by every browser at once, never sooner than half its step.
 */
describe("the web app's WebSocket reconnection delay", () => {
  it("doubles per failed attempt, between half and all of its step", () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const step = BASE_MS * 2 ** attempt;
      expect(reconnectDelay(attempt, () => 0)).toBe(step / 2);
      expect(reconnectDelay(attempt, () => 0.999_999)).toBeCloseTo(step, -1);
      expect(reconnectDelay(attempt, () => 0.5)).toBe((3 * step) / 4);
    }
  });

  it("stops growing at the cap, however many attempts failed", () => {
    for (const attempt of [5, 6, 10, 50, 1000]) {
      expect(reconnectDelay(attempt, () => 1)).toBe(CAP_MS);
      expect(reconnectDelay(attempt, () => 0)).toBe(CAP_MS / 2);
    }
    expect(CAP_MS).toBe(30_000);
  });

  it("spreads browsers that lost the server at the same moment", () => {
    const delays = Array.from({ length: 200 }, () => reconnectDelay(3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(4_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8_000);
    expect(new Set(delays.map((d) => Math.round(d / 100))).size).toBeGreaterThan(20);
  });
});
