import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../bot/notifiers/circuit-breaker.ts";
import { SlidingWindow } from "../../bot/notifiers/rate-limit.ts";

describe("SlidingWindow", () => {
  it("lets `limit` sends through, then waits until the oldest leaves the window", () => {
    const w = new SlidingWindow({ limit: 3, windowMs: 1000 });
    for (const t of [0, 100, 200]) {
      expect(w.waitMs(t)).toBe(0);
      w.record(t);
    }
    expect(w.waitMs(250)).toBe(750);
    expect(w.waitMs(999)).toBe(1);
    expect(w.waitMs(1000)).toBe(0);
    w.record(1000);
    expect(w.waitMs(1000)).toBe(100);
  });
});

describe("CircuitBreaker", () => {
  it("opens after `threshold` consecutive failures, lets one trial through after the cool-down", () => {
    const b = new CircuitBreaker({ threshold: 3, coolDownMs: 500 });
    expect(b.failure(0)).toBe(false);
    expect(b.failure(10)).toBe(false);
    expect(b.failure(20)).toBe(true);
    expect(b.state).toBe("open");
    expect(b.waitMs(100)).toBe(420);
    b.beforeAttempt(100);
    expect(b.state).toBe("open");
    b.beforeAttempt(520);
    expect(b.state).toBe("half-open");
    expect(b.failure(530)).toBe(true);
    expect(b.waitMs(530)).toBe(500);
    b.beforeAttempt(1030);
    expect(b.success()).toBe("half-open");
    expect(b.state).toBe("closed");
  });

  it("counts only consecutive failures", () => {
    const b = new CircuitBreaker({ threshold: 2, coolDownMs: 500 });
    b.failure(0);
    b.success();
    expect(b.failure(1)).toBe(false);
    expect(b.state).toBe("closed");
  });
});
