import type { Writer } from "../db/writer.ts";
import { type PushRow, storePushes } from "../inbox/store-push.ts";
import type { Lock, LockHandle } from "../lock/index.ts";
import type { Logger } from "../shared/logger.ts";
import type { ListingChange } from "./low-stock.ts";
import { type ReserveRequest, type ReserveResult, reserveBatch, StockConflict } from "./reserve-batch.ts";
import type { StockSettings } from "./stock-math.ts";

export interface ReserveCall extends ReserveRequest {
  /** The order itself, stored in the inbox in the same transaction so it is never lost. */
  intake?: Omit<PushRow, "receivedAt">;
}

export type EngineResult = ReserveResult & { inboxId?: number };

interface Pending {
  call: ReserveCall;
  resolve: (r: EngineResult) => void;
  reject: (e: unknown) => void;
}

const LOCK = { ttlMs: 5_000, waitMs: 5_000 };

/**
 * Group commit for reservations: every create that arrives in the same event-loop turn is
 * decided in one transaction. Per-SKU locks (in-process or Redis) are taken once per batch, in
 * SKU order so two instances cannot deadlock; their fencing token goes into the conditional
 * write. A conflict (another instance wrote first) retries the batch with fresh reads.
 */
export function createReservationEngine(deps: {
  writer: Writer;
  lock: Lock;
  settings: StockSettings;
  now: () => number;
  logger: Logger;
  onListing?: (changes: ListingChange[]) => void;
  onStored?: (inboxIds: Array<{ id: number; orderNo: string }>) => void;
}) {
  let pending: Pending[] = [];
  let running = false;

  async function withSkuLocks<T>(skuIds: string[], fn: (fence: number) => Promise<T>): Promise<T> {
    const handles: LockHandle[] = [];
    try {
      for (const sku of [...skuIds].sort()) {
        const h = await deps.lock.acquire(`sku:${sku}`, LOCK);
        if (!h) throw new Error(`could not lock SKU ${sku} within ${LOCK.waitMs} ms`);
        handles.push(h);
      }
      return await fn(Math.max(0, ...handles.map((h) => h.fence)));
    } finally {
      // Not awaited: the next batch's acquire goes out behind these releases on the same
      // connection, so waiting for their answers would only leave the event loop idle for a round
      // trip per batch. A failed release is logged by the lock and expires by itself.
      void Promise.allSettled(handles.map((h) => h.release()));
    }
  }

  async function runBatch(batch: Pending[]): Promise<void> {
    const skuIds = [...new Set(batch.flatMap((p) => p.call.lines.map((l) => l.sku)))];
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await withSkuLocks(skuIds, (fence) =>
          deps.writer.run(async (tx) => {
            const now = deps.now();
            const { results, listing } = await reserveBatch(
              tx,
              batch.map((p) => p.call),
              deps.settings,
              now,
              fence,
            );
            const fresh = results.flatMap((r, i) =>
              r.ok && !r.repeated && batch[i]!.call.intake ? [i] : [],
            );
            const stored = fresh.length
              ? await storePushes(
                  tx,
                  fresh.map((i) => ({ ...batch[i]!.call.intake!, receivedAt: now })),
                )
              : [];
            const ids = new Map(fresh.map((i, n) => [i, stored[n]!.id]));
            return { results: results.map((r, i) => ({ ...r, inboxId: ids.get(i) })), listing };
          }),
        );
        for (const [i, p] of batch.entries()) p.resolve(out.results[i]!);
        if (out.listing.length) deps.onListing?.(out.listing);
        const stored = out.results.flatMap((r) => (r.inboxId ? [{ id: r.inboxId, orderNo: r.orderNo }] : []));
        if (stored.length) deps.onStored?.(stored);
        return;
      } catch (e) {
        if (e instanceof StockConflict && attempt < 20) continue;
        for (const p of batch) p.reject(e);
        return;
      }
    }
  }

  async function drain() {
    running = true;
    try {
      while (pending.length > 0) {
        const batch = pending.slice(0, 500);
        pending = pending.slice(batch.length);
        await runBatch(batch);
      }
    } finally {
      running = false;
    }
  }

  return {
    reserve(call: ReserveCall): Promise<EngineResult> {
      return new Promise((resolve, reject) => {
        pending.push({ call, resolve, reject });
        if (!running) {
          running = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}

export type ReservationEngine = ReturnType<typeof createReservationEngine>;
