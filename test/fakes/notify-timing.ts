import type { Timing } from "../../bot/notifiers/delivery.ts";

export interface ManualTiming extends Timing {
  /** Moves time on and wakes every sleeper whose time has come. */
  advance(ms: number): void;
  /** Sleeps still waiting (a queue blocked on a cool-down or the rate limit). */
  sleeping(): number;
}

/** Time that only moves when the test says so; zero-length sleeps return at once. */
export function manualTiming(start = Date.now()): ManualTiming {
  let t = start;
  const sleepers: { until: number; wake: () => void }[] = [];
  const wake = () => {
    for (const s of sleepers.filter((s) => s.until <= t)) {
      sleepers.splice(sleepers.indexOf(s), 1);
      s.wake();
    }
  };
  return {
    now: () => t,
    sleep(ms, signal) {
      if (ms <= 0 || signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const s = { until: t + ms, wake: resolve };
        sleepers.push(s);
        signal.addEventListener(
          "abort",
          () => {
            const i = sleepers.indexOf(s);
            if (i >= 0) sleepers.splice(i, 1);
            resolve();
          },
          { once: true },
        );
      });
    },
    advance(ms) {
      t += ms;
      wake();
    },
    sleeping: () => sleepers.length,
  };
}
