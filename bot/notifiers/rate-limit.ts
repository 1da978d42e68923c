/** At most `limit` sends in any `windowMs` (WeCom and DingTalk robots: 20 a minute). */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * A sliding window of send times. Callers record a send when its response came back, not when
 * it started: the platform saw the request before that, so "response + window" is a safe lower
 * bound for its own count however slow the network was.
 */
export class SlidingWindow {
  private stamps: number[] = [];

  constructor(private readonly rate: RateLimit) {}

  /** How long until the next send may start; 0 means now. */
  waitMs(now: number): number {
    const horizon = now - this.rate.windowMs;
    while (this.stamps.length && this.stamps[0]! <= horizon) this.stamps.shift();
    if (this.stamps.length < this.rate.limit) return 0;
    return this.stamps[0]! + this.rate.windowMs - now;
  }

  record(at: number): void {
    this.stamps.push(at);
  }
}
