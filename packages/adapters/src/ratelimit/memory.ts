import type { RateCounter } from "@helperiq/core/port/index";

/** In-process fixed-window counters (the embedded mode). Expired windows are swept as new ones open. */
export function createMemoryRateCounter(): RateCounter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = 0;
  return {
    async hit(key, windowSeconds, now) {
      const t = now.getTime();
      if (t >= nextSweep) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
        nextSweep = t + 60_000;
      }
      const start = Math.floor(t / (windowSeconds * 1000)) * windowSeconds * 1000;
      const id = `${key}@${start}`;
      const w = windows.get(id) ?? { count: 0, resetAt: start + windowSeconds * 1000 };
      w.count++;
      windows.set(id, w);
      return { count: w.count, resetAt: new Date(w.resetAt) };
    },
    async forget(match) {
      let removed = 0;
      for (const id of [...windows.keys()]) {
        if (match(id.slice(0, id.lastIndexOf("@")))) {
          windows.delete(id);
          removed++;
        }
      }
      return removed;
    },
  };
}
