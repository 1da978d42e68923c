import type { Reader } from "../db/client.ts";
import type { Writer } from "../db/writer.ts";
import type { Config } from "../env.ts";
import type { ProcessOutcome } from "../inbox/process-push.ts";
import type { Clock } from "../shared/clock.ts";
import type { Logger } from "../shared/logger.ts";
import type { Notifier } from "../shared/notifier.ts";
import type { Tasks } from "../shared/tasks.ts";
import { DEFAULT_HEALTH_SETTINGS, type HealthSettings } from "./config.ts";
import { evaluateHealth, type SourceHealth } from "./evaluate.ts";
import { type Baseline, measureBaseline } from "./measure.ts";
import { bodyFields } from "./payload-fields.ts";
import { createShapeTracker } from "./shape-tracker.ts";

/** The baseline (a week of rows) moves slowly; it is measured again at most this often per source. */
const BASELINE_TTL_MS = 3_600_000;

/**
 * Interface health for one process: learns payload shapes after processing (never on the way to
 * the platform's answer), evaluates every source on the `health` job's tick, and at once for the
 * source concerned when something obvious happens (a 413, a refused signature or payload, a new
 * or re-typed field). Immediate checks are coalesced per source and evaluations never overlap, so
 * a flood of failures is one evaluation and one message, not one per push.
 */
export function createHealthMonitor(deps: {
  db: Reader;
  writer: Writer;
  clock: Clock;
  config: Config;
  notifier: Notifier;
  tasks: Tasks;
  logger: Logger;
}) {
  const settings: HealthSettings = deps.config.HEALTH_THRESHOLDS ?? DEFAULT_HEALTH_SETTINGS;
  const shapes = createShapeTracker({
    db: deps.db,
    writer: deps.writer,
    minSamples: () => settings.shape_min_samples,
  });
  const baselines = new Map<string, { at: number; value: Baseline }>();
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = tail.then(fn);
    tail = p.catch(() => {});
    return p;
  };
  const pending = new Set<string>();
  let learning: Promise<void> = Promise.resolve();

  async function evaluate(sources?: string[]): Promise<SourceHealth[]> {
    return exclusive(async () => {
      await shapes.flush();
      return evaluateHealth({
        db: deps.db,
        writer: deps.writer,
        notifier: deps.notifier,
        now: deps.clock.now(),
        settings,
        bodyLimit: deps.config.BODY_LIMIT,
        sources,
        baseline: async (source, from, to) => {
          const hit = baselines.get(source);
          if (hit && deps.clock.now() - hit.at < BASELINE_TTL_MS) return hit.value;
          const value = await measureBaseline(deps.db, source, from, to);
          baselines.set(source, { at: deps.clock.now(), value });
          return value;
        },
      });
    });
  }

  function evaluateSoon(source: string): void {
    if (pending.has(source)) return;
    pending.add(source);
    deps.tasks.defer("health check", async () => {
      await learning;
      pending.delete(source);
      await evaluate([source]);
    });
  }

  async function learnAll(outcomes: ProcessOutcome[]): Promise<void> {
    const urgent = new Set<string>();
    for (const o of outcomes) {
      if (!o.payload) continue;
      const fields = bodyFields(o.payload.body);
      if (fields === null) continue;
      const news = await shapes.learn({
        source: o.source,
        kind: o.payload.kind ?? "-",
        inboxId: o.id,
        at: o.payload.receivedAt,
        fields,
      });
      if (news.added.length || news.retyped.length) urgent.add(o.source);
    }
    await shapes.flush(urgent.size > 0);
    for (const source of urgent) evaluateSoon(source);
  }

  return {
    settings,
    evaluate,
    /**
     * After a processing batch (awaited in the batch's time, so a burst throttles it with the rest
     * of processing): learns the shapes of first-time payloads, one batch after another.
     */
    learnShapes(outcomes: ProcessOutcome[]): Promise<void> {
      if (!outcomes.some((o) => o.payload)) return Promise.resolve();
      learning = learning
        .then(() => learnAll(outcomes))
        .catch((err: unknown) => deps.logger.warn({ err }, "learning payload shapes failed"));
      return learning;
    },
    /** A push was refused (413, signature, parse): check that source now. */
    noteRefused(source: string): void {
      evaluateSoon(source);
    },
    /** Writes learned counters (at shutdown, and before every evaluation). */
    flush: () => shapes.flush(),
  };
}

export type HealthMonitor = ReturnType<typeof createHealthMonitor>;
