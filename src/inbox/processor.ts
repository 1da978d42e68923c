import type { Writer } from "../db/writer.ts";
import type { Logger } from "../shared/logger.ts";
import type { Metrics } from "../shared/metrics.ts";
import type { Tasks } from "../shared/tasks.ts";
import { type ProcessContext, type ProcessItem, type ProcessOutcome, processPushes } from "./process-push.ts";

const BATCH = 10;
/** Parsed events are kept for the first this-many queued pushes; deeper ones are re-read. */
const KEEP_PARSED = 500;
/**
 * A burst is on while requests arrive faster than this (counted over two windows of
 * BURST_WINDOW_MS). Below it answering costs a few percent of a core and processing runs flat out;
 * a slower steady stream (a dashboard polling, pushes at tens a second) must not hold it to its
 * burst share, or a backlog would grow for as long as the stream lasts.
 */
const BURST_RATE = 200;
const BURST_WINDOW_MS = 50;
/** During a burst processing takes at most this share of the time; the rest goes to answering. */
const BURST_SHARE = 0.1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Processes stored pushes in the background, in small batches. Answering the platforms comes
 * first: during a burst of requests processing keeps to a tenth of the time (stored pushes are safe in the
 * inbox) and runs flat out once the burst is over. The queue is only a hint — the inbox table is the truth, and the
 * sweeper picks up anything a stop left behind.
 */
export function createProcessor(deps: {
  writer: Writer;
  ctx: ProcessContext;
  now: () => number;
  metrics: Metrics;
  logger: Logger;
  tasks: Tasks;
  onProcessed?: (outcomes: ProcessOutcome[]) => void;
  /**
   * Background work that belongs to a batch (interface health learning payload shapes). Awaited
   * inside the batch's time, so during a burst it keeps to processing's share too.
   */
  afterBatch?: (outcomes: ProcessOutcome[]) => Promise<void>;
}) {
  const queue: ProcessItem[] = [];
  let running = false;
  let stopped = false;
  let lastDemandAt = 0;
  // Requests counted in the current window and the one before it.
  let windowStart = 0;
  let inWindow = 0;
  let inLastWindow = 0;

  function inBurst(): boolean {
    const age = performance.now() - windowStart;
    if (age >= 2 * BURST_WINDOW_MS) return false;
    const recent = age < BURST_WINDOW_MS ? inWindow + inLastWindow : inWindow;
    return recent >= (BURST_RATE * 2 * BURST_WINDOW_MS) / 1000;
  }

  async function afterBatch(outcomes: ProcessOutcome[]) {
    try {
      await deps.afterBatch?.(outcomes);
    } catch (err) {
      deps.logger.warn({ err }, "after-batch work failed");
    }
  }

  function report(outcomes: ProcessOutcome[]) {
    for (const o of outcomes) {
      if (o.status === "skipped") continue;
      deps.metrics.processing.inc({ source: o.source, result: o.status });
      for (const r of o.results)
        if (r.flag === "unknown_status") deps.metrics.unknownStatus.inc({ source: o.source });
      if (o.error)
        deps.logger.warn({ inboxId: o.id, source: o.source, error: o.error }, "inbox processing failed");
    }
    deps.onProcessed?.(outcomes);
  }

  async function loop() {
    try {
      while (queue.length > 0 && !stopped) {
        const batch = queue.splice(0, BATCH);
        const started = performance.now();
        const outcomes = await processPushes({
          writer: deps.writer,
          ctx: deps.ctx,
          now: deps.now,
          items: batch,
        });
        await afterBatch(outcomes);
        const took = performance.now() - started;
        report(outcomes);
        // In a burst, rest long enough that processing keeps to its share of the time.
        if (inBurst()) await sleep((took * (1 - BURST_SHARE)) / BURST_SHARE);
      }
    } finally {
      running = false;
    }
  }

  return {
    /**
     * A request is being answered (any HTTP request, a push, an order): while they keep coming,
     * processing keeps to its share. Marking only stored pushes let a run of requests that store
     * nothing — refused orders, look-ups — meet a backlog processed flat out, at three times the
     * cost per request.
     */
    noteDemand() {
      const now = performance.now();
      if (now - windowStart >= BURST_WINDOW_MS) {
        inLastWindow = now - windowStart < 2 * BURST_WINDOW_MS ? inWindow : 0;
        windowStart = now;
        inWindow = 0;
      }
      inWindow++;
      lastDemandAt = now;
    },
    /** When demand was last noted (performance.now() time). */
    get lastDemandAt() {
      return lastDemandAt;
    },
    /** Whether requests are arriving fast enough right now that processing keeps to its share. */
    get inBurst() {
      return inBurst();
    },
    enqueue(item: ProcessItem) {
      // A deep backlog keeps ids only: the bodies are in the inbox, and memory stays flat.
      queue.push(queue.length >= KEEP_PARSED ? { id: item.id } : item);
      if (!running) {
        running = true;
        deps.tasks.defer("inbox processor", loop);
      }
    },
    /** Processes these pushes now (a manual replay) and reports them like the background batches. */
    async processNow(items: ProcessItem[]): Promise<ProcessOutcome[]> {
      const outcomes = await processPushes({ writer: deps.writer, ctx: deps.ctx, now: deps.now, items });
      await afterBatch(outcomes);
      report(outcomes);
      return outcomes;
    },
    /** Stops after the batch in hand; what is left stays in the inbox for the next start. */
    stop() {
      stopped = true;
    },
    get backlog() {
      return queue.length;
    },
  };
}

export type Processor = ReturnType<typeof createProcessor>;
