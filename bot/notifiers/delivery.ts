import type { Logger } from "../../src/shared/logger.ts";
import { PlatformError } from "../platform-clients.ts";
import { type BreakerOptions, type BreakerState, CircuitBreaker } from "./circuit-breaker.ts";
import { type RateLimit, SlidingWindow } from "./rate-limit.ts";

/** Time for the queues; tests pass a manual one so cool-downs need no real waiting. */
export interface Timing {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (close). Never rejects. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    }),
};

export interface DeliveryOptions {
  /** Unset: no limit of our own. */
  rate?: RateLimit;
  /** Attempts per message, the first one included. */
  maxAttempts: number;
  /** Exponential backoff between attempts: base·2ⁿ, capped, with jitter so robots don't retry in step. */
  backoff: { baseMs: number; maxMs: number };
  breaker: BreakerOptions;
  /** Waiting messages per target; past it the oldest waiting one is dropped (with a log). */
  maxQueue: number;
}

/** One message to one target; `run` does the platform call (and anything it needs first). */
export interface DeliveryJob {
  title: string;
  run(signal: AbortSignal): Promise<void>;
}

/** Failures worth another attempt that are not platform answers (a card store hiccup). */
export class TransientError extends Error {
  override name = "TransientError";
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof PlatformError) return err.retryable;
  return err instanceof TransientError;
}

export interface TargetStats {
  target: string;
  queued: number;
  sent: number;
  /** Messages given up on (non-retryable, or out of attempts). */
  failed: number;
  retries: number;
  /** Messages dropped unsent: queue overflow or close(). */
  dropped: number;
  breaker: BreakerState;
}

export interface TargetQueue {
  push(jobs: DeliveryJob[]): void;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
  /** Stops at once (an in-flight request is aborted); returns how many messages were dropped. */
  close(): Promise<number>;
  stats(): TargetStats;
}

interface Entry {
  job: DeliveryJob;
  attempts: number;
  notBefore: number;
}

/**
 * One sequential queue per target, so a notice's chunks arrive in order and the rate limit and
 * breaker see every request. While the breaker is open messages wait rather than being dropped:
 * notices are few and matter (P1 alerts), and the head message still spends its attempts on the
 * half-open trials, so a target that stays dead loses one message per few cool-downs, not all.
 */
export function createTargetQueue(input: {
  label: string;
  options: DeliveryOptions;
  timing: Timing;
  logger: Logger;
  /** Removes secrets from error text before it is logged. */
  scrub: (text: string) => string;
  random?: () => number;
}): TargetQueue {
  const { label, options, timing, logger, scrub } = input;
  const random = input.random ?? Math.random;
  const limiter = options.rate ? new SlidingWindow(options.rate) : null;
  const breaker = new CircuitBreaker(options.breaker);
  const abort = new AbortController();
  const queue: Entry[] = [];
  const counts = { sent: 0, failed: 0, retries: 0, dropped: 0 };
  let inFlight = false;
  let closed = false;
  let running: Promise<void> | null = null;

  const describe = (err: unknown) => ({
    code: err instanceof PlatformError ? err.code : err instanceof Error ? err.name : "unknown",
    message: scrub(err instanceof Error ? err.message : String(err)),
  });

  const backoffMs = (attempts: number) => {
    const ceiling = Math.min(options.backoff.maxMs, options.backoff.baseMs * 2 ** (attempts - 1));
    return Math.round(ceiling * (0.5 + random() / 2));
  };

  async function attempt(entry: Entry): Promise<void> {
    breaker.beforeAttempt(timing.now());
    entry.attempts++;
    inFlight = true;
    let error: unknown = null;
    let failed = false;
    try {
      await entry.job.run(abort.signal);
    } catch (e) {
      failed = true;
      error = e;
    } finally {
      inFlight = false;
    }
    const now = timing.now();
    limiter?.record(now);
    if (closed) return;
    if (!failed) {
      if (breaker.success() !== "closed") logger.info({ target: label }, "notify target recovered");
      counts.sent++;
      queue.shift();
      return;
    }
    if (breaker.failure(now)) {
      logger.warn(
        { target: label, coolDownMs: options.breaker.coolDownMs },
        "notify target failing: circuit open",
      );
    }
    if (!isRetryable(error) || entry.attempts >= options.maxAttempts) {
      counts.failed++;
      queue.shift();
      logger.error(
        { target: label, title: entry.job.title, attempts: entry.attempts, err: describe(error) },
        "notice not delivered",
      );
      return;
    }
    counts.retries++;
    entry.notBefore = now + backoffMs(entry.attempts);
    logger.warn(
      { target: label, attempts: entry.attempts, err: describe(error) },
      "notice delivery failed, will retry",
    );
  }

  async function loop(): Promise<void> {
    while (queue.length && !closed) {
      const entry = queue[0]!;
      const now = timing.now();
      const wait = Math.max(breaker.waitMs(now), limiter?.waitMs(now) ?? 0, entry.notBefore - now);
      if (wait > 0) {
        await timing.sleep(wait, abort.signal);
        continue;
      }
      await attempt(entry);
    }
  }

  function kick(): void {
    if (running || closed || !queue.length) return;
    running = loop()
      .catch((e) => logger.error({ target: label, err: describe(e) }, "notify queue crashed"))
      .finally(() => {
        running = null;
        kick();
      });
  }

  return {
    push(jobs) {
      if (closed) {
        counts.dropped += jobs.length;
        logger.warn({ target: label, count: jobs.length }, "notifier closed: notice dropped");
        return;
      }
      for (const job of jobs) queue.push({ job, attempts: 0, notBefore: 0 });
      while (queue.length > options.maxQueue) {
        // Never the head while it is in flight: its attempt owns queue[0].
        const [gone] = queue.splice(inFlight ? 1 : 0, 1);
        counts.dropped++;
        logger.warn(
          { target: label, title: gone?.job.title },
          "notify queue full: oldest waiting notice dropped",
        );
      }
      kick();
    },
    async idle() {
      while (running) await running;
    },
    async close() {
      closed = true;
      abort.abort();
      await running;
      const dropped = queue.length;
      counts.dropped += dropped;
      queue.length = 0;
      if (dropped) logger.warn({ target: label, count: dropped }, "notifier closed with notices unsent");
      return dropped;
    },
    stats: () => ({ target: label, queued: queue.length, ...counts, breaker: breaker.state }),
  };
}
