import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { sql } from "drizzle-orm";
import type { HotReader } from "../db/hot-reader.ts";
import { dayRange } from "../shared/day.ts";
import { DEFAULT_DRIFT_CONFIG } from "./config.ts";
import type { DriftWorkerData } from "./drift-worker.ts";
import { type DriftPage, type FindDriftInput, findDrift } from "./find-drift.ts";

// The worker is TypeScript like the rest: register tsx's loader in the thread, then load it.
const BOOT = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(
  new URL("./drift-worker.ts", import.meta.url).href,
)}); })`;

/** How many threads a drift scan of the embedded file uses: the cores, at most 4. */
export function driftThreads(): number {
  return typeof availableParallelism === "function" ? Math.min(4, Math.max(1, availableParallelism())) : 1;
}

/**
 * Splits the day's scope into `n` slices of about as many orders each, by updated_at quantiles
 * read off the index. Slice boundaries are half-open, so every order falls in exactly one.
 */
export function sliceScope(
  hot: HotReader,
  from: number,
  to: number,
  n: number,
): { from: number; to: number }[] {
  const [c] = hot.all(
    sql`SELECT count(*) AS n FROM orders WHERE updated_at >= ${from} AND updated_at < ${to}`,
  );
  const total = Number(c?.n ?? 0);
  const cuts = [from];
  for (let k = 1; k < n; k++) {
    const [r] = hot.all(
      sql`SELECT updated_at AS u FROM orders WHERE updated_at >= ${from} AND updated_at < ${to}
        ORDER BY updated_at LIMIT 1 OFFSET ${Math.floor((total * k) / n)}`,
    );
    const u = Number(r?.u ?? to);
    if (u > cuts[cuts.length - 1]!) cuts.push(u);
  }
  cuts.push(to);
  return cuts.slice(0, -1).map((f, i) => ({ from: f, to: cuts[i + 1]! }));
}

/**
 * findDrift over worker threads: each scans one slice of the day's scope with its own reader on
 * the file (the reads and the rule checks are most of a run, and SQLite reads in parallel under
 * WAL); pages come back as they are ready, in no particular order. The previous run's open items
 * are re-checked here afterwards, as in the single-threaded scan.
 */
export async function* findDriftParallel(
  input: FindDriftInput & { hot: HotReader; threads: number; onFallback?: (e: Error) => void },
): AsyncGenerator<DriftPage> {
  const config = input.config ?? DEFAULT_DRIFT_CONFIG;
  const { start, end } = dayRange(input.day, input.timeZone);
  const from = start - config.lookbackDays * 86_400_000;
  const slices = sliceScope(input.hot, from, end, input.threads);

  const queue: (DriftPage | Error | null)[] = [];
  let wake: (() => void) | null = null;
  const push = (item: DriftPage | Error | null) => {
    queue.push(item);
    wake?.();
    wake = null;
  };
  const workers = slices.map((slice) => {
    const data: DriftWorkerData = {
      path: input.hot.path,
      timeZone: input.timeZone,
      day: input.day,
      asOf: input.asOf,
      config,
      slice,
      rules: input.rules.rules,
    };
    const w = new Worker(BOOT, { eval: true, workerData: data });
    w.on("message", (m: { page?: DriftPage; done?: true; error?: string }) => {
      if (m.page) push(m.page);
      else if (m.done) push(null);
      else push(new Error(`drift worker: ${m.error}`));
    });
    w.on("error", (e) => push(e));
    return w;
  });
  let yielded = 0;
  let failed: Error | null = null;
  try {
    let running = workers.length;
    while (running > 0) {
      const item = queue.shift();
      if (item === undefined) {
        await new Promise<void>((r) => {
          wake = r;
        });
        continue;
      }
      if (item === null) running--;
      else if (item instanceof Error) {
        // Threads that could not start at all: scan in this thread instead. Past the first page,
        // a failure fails the run (recorded, retried next time), never a partial list.
        if (yielded > 0) throw item;
        failed = item;
        break;
      } else {
        yielded++;
        yield item;
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failed) {
    input.onFallback?.(failed);
    yield* findDrift(input);
    return;
  }
  if (input.recheckRunId != null) yield* findDrift({ ...input, touched: false });
}
