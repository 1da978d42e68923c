import { randomUUID } from "node:crypto";
import { and, eq, gt, lte, sql } from "drizzle-orm";
import { jobLeases } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";
import type { Clock } from "../shared/clock.ts";
import { assertLockArgs, assertTtl } from "./args.ts";
import type { ClosableLock, LockHandle, LockOptions } from "./types.ts";

export interface DbLeaseOptions {
  /** Retry delays while waiting: exponential from `minMs` to `maxMs`, jittered like the Redis lock. */
  backoff?: { minMs: number; maxMs: number };
}

/**
 * Leases in the `job_leases` table, for deployments without Redis: Workers (where there is no
 * ioredis) and several Node processes on one database. Every step is one conditional statement
 * through the Writer, so the database decides races:
 *
 * - acquire: an upsert that only overwrites a row whose lease has run out, returning the new fence;
 *   no row back means someone else holds it;
 * - release / extend: an update on (name, holder, fence) while the lease is still in force, so a
 *   holder whose lease lapsed and was taken over can touch nothing.
 *
 * Release expires the row instead of deleting it: the fence must keep increasing across holders,
 * and a deleted row would start again at 1. A holder that dies simply stops extending and the row
 * expires on its own after `ttlMs`. Time is the deps' clock (shared wall time in production), so
 * instances whose clocks disagree by more than a lease's margin could overlap; keep them in sync.
 */
export class DbLease implements ClosableLock {
  readonly #writer: Writer;
  readonly #clock: Clock;
  readonly #backoff: { minMs: number; maxMs: number };

  constructor(writer: Writer, clock: Clock, opts: DbLeaseOptions = {}) {
    this.#writer = writer;
    this.#clock = clock;
    this.#backoff = opts.backoff ?? { minMs: 10, maxMs: 250 };
  }

  async acquire(key: string, opts: LockOptions): Promise<LockHandle | null> {
    assertLockArgs(key, opts);
    const holder = randomUUID();
    const deadline = performance.now() + opts.waitMs;
    let delay = this.#backoff.minMs;
    for (;;) {
      const fence = await this.#tryAcquire(key, holder, opts.ttlMs);
      if (fence !== null) return this.#handle(key, holder, fence);
      const remaining = deadline - performance.now();
      if (remaining <= 0) return null;
      await new Promise((r) => setTimeout(r, Math.min(remaining, delay * (0.5 + Math.random() / 2))));
      delay = Math.min(delay * 2, this.#backoff.maxMs);
    }
  }

  /** Nothing to free: leases live in the database and expire there. */
  async close(): Promise<void> {}

  async #tryAcquire(key: string, holder: string, ttlMs: number): Promise<number | null> {
    const now = this.#clock.now();
    const rows = await this.#writer.run((tx) =>
      tx
        .insert(jobLeases)
        .values({ name: key, holder, fence: 1, expiresAt: now + ttlMs })
        .onConflictDoUpdate({
          target: jobLeases.name,
          set: { holder, fence: sql`${jobLeases.fence} + 1`, expiresAt: now + ttlMs },
          setWhere: lte(jobLeases.expiresAt, now),
        })
        .returning({ fence: jobLeases.fence }),
    );
    return rows[0]?.fence ?? null;
  }

  /** Sets the lease's expiry while this holder still has it; true when a row changed. */
  async #update(key: string, holder: string, fence: number, expiresAt: (now: number) => number) {
    const now = this.#clock.now();
    const rows = await this.#writer.run((tx) =>
      tx
        .update(jobLeases)
        .set({ expiresAt: expiresAt(now) })
        .where(
          and(
            eq(jobLeases.name, key),
            eq(jobLeases.holder, holder),
            eq(jobLeases.fence, fence),
            gt(jobLeases.expiresAt, now),
          ),
        )
        .returning({ fence: jobLeases.fence }),
    );
    return rows.length === 1;
  }

  #handle(key: string, holder: string, fence: number): LockHandle {
    return {
      key,
      token: holder,
      fence,
      // Expired as of now (not 0) keeps "expires_at" meaningful for whoever reads the table.
      release: () => this.#update(key, holder, fence, (now) => now),
      extend: async (ttlMs) => {
        assertTtl(ttlMs);
        return this.#update(key, holder, fence, (now) => now + ttlMs);
      },
    };
  }
}
