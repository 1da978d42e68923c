export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Consecutive failed attempts that open the breaker. */
  threshold: number;
  /** How long an open breaker lets nothing through before one trial. */
  coolDownMs: number;
}

/**
 * Per-target breaker: a dead robot or gateway gets one trial per cool-down instead of every
 * queued message's retries. The queue is sequential, so "half-open" is exactly one request.
 */
export class CircuitBreaker {
  state: BreakerState = "closed";
  private failures = 0;
  private openUntil = 0;

  constructor(private readonly options: BreakerOptions) {}

  waitMs(now: number): number {
    return this.state === "open" ? Math.max(0, this.openUntil - now) : 0;
  }

  /** Before an attempt: an open breaker whose cool-down is over lets this one through as the trial. */
  beforeAttempt(now: number): void {
    if (this.state === "open" && now >= this.openUntil) this.state = "half-open";
  }

  /** Returns the state it left, so the caller can log a recovery. */
  success(): BreakerState {
    const was = this.state;
    this.state = "closed";
    this.failures = 0;
    return was;
  }

  /** Returns true when this failure opened the breaker. */
  failure(now: number): boolean {
    this.failures++;
    if (this.state === "half-open" || this.failures >= this.options.threshold) {
      this.state = "open";
      this.openUntil = now + this.options.coolDownMs;
      return true;
    }
    return false;
  }
}
