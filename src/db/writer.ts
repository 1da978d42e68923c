import type { Db, Tx } from "./client.ts";

type Op = {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
};

export interface Writer {
  /**
   * Runs `fn` inside a write transaction. Calls that arrive together share one transaction
   * (group commit), each in its own savepoint: one op failing rolls back only itself. The
   * promise settles after the shared COMMIT, so a resolved write is durable.
   */
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Waits for everything queued so far. */
  flush(): Promise<void>;
}

export interface WriterOptions {
  maxBatch?: number;
  /** How long to keep retrying a BEGIN that finds the database locked by another process. */
  busyRetryMs?: number;
  /**
   * Pause between back-to-back batches. SQLite's write lock is not fair: a busy writer that
   * begins again the instant it commits starves another process polling for the lock. Set it when
   * several processes share one database file.
   */
  yieldMs?: number;
}

function isBusy(e: unknown): boolean {
  const msg = String((e as { message?: unknown })?.message ?? e);
  const code = String((e as { code?: unknown })?.code ?? "");
  return code.includes("BUSY") || code.includes("LOCKED") || /database is locked|SQLITE_BUSY/i.test(msg);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createWriter(writeDb: Db, opts: WriterOptions = {}): Writer {
  const maxBatch = opts.maxBatch ?? 256;
  const busyRetryMs = opts.busyRetryMs ?? 30_000;
  const yieldMs = opts.yieldMs ?? 0;
  let queue: Op[] = [];
  let draining: Promise<void> | null = null;

  async function commitBatch(batch: Op[]): Promise<void> {
    const results: Array<{ ok: true; v: unknown } | { ok: false; e: unknown }> = [];
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      results.length = 0;
      try {
        await writeDb.transaction(async (tx) => {
          for (const op of batch) {
            try {
              const v = await tx.transaction((sp) => op.fn(sp));
              results.push({ ok: true, v });
            } catch (e) {
              if (isBusy(e)) throw e;
              results.push({ ok: false, e });
            }
          }
        });
        break;
      } catch (e) {
        // Another process holds the write lock: back off without blocking the event loop.
        if (isBusy(e) && Date.now() - started < busyRetryMs) {
          await sleep(Math.min(10, 1 + attempt) * (0.5 + Math.random()));
          continue;
        }
        for (const op of batch) op.reject(e);
        return;
      }
    }
    batch.forEach((op, i) => {
      const r = results[i]!;
      if (r.ok) op.resolve(r.v);
      else op.reject(r.e);
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      await commitBatch(batch);
      if (yieldMs > 0 && queue.length > 0) await sleep(yieldMs);
    }
    draining = null;
  }

  return {
    run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        // setImmediate lets every request that arrived in this turn join the same batch.
        if (!draining) draining = new Promise((r) => setImmediate(r)).then(drain);
      });
    },
    async flush() {
      while (draining) await draining;
    },
  };
}
