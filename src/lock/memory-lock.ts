import { randomUUID } from "node:crypto";
import { assertLockArgs, assertTtl } from "./args.ts";
import type { ClosableLock, LockHandle, LockLogger, LockOptions } from "./types.ts";

interface Holder {
  token: string;
  fence: number;
  expiry: NodeJS.Timeout;
}

interface Waiter {
  ttlMs: number;
  resolve: (handle: LockHandle | null) => void;
  timeout: NodeJS.Timeout;
}

interface Slot {
  holder: Holder | null;
  waiters: Waiter[];
}

export interface MemoryLockOptions {
  logger?: LockLogger;
  /** First fence is `fenceSeed + 1`. Defaults to the start time in microseconds; see below. */
  fenceSeed?: number;
}

/**
 * In-process lock: a FIFO queue of waiters per key, woken by release or lease expiry (no polling).
 *
 * Fences come from one counter for all keys rather than one per key: that still makes them
 * strictly increasing per key, and nothing has to be remembered for keys nobody holds. The counter
 * starts at the start time in microseconds (the scale the Redis lock seeds its counters with), so
 * fences stored by the database keep increasing across restarts instead of dropping back to 1 and
 * being refused.
 */
export class MemoryLock implements ClosableLock {
  readonly #slots = new Map<string, Slot>();
  readonly #logger: LockLogger | undefined;
  #fence: number;

  constructor(opts: MemoryLockOptions = {}) {
    this.#logger = opts.logger;
    this.#fence = opts.fenceSeed ?? Date.now() * 1000;
  }

  async acquire(key: string, opts: LockOptions): Promise<LockHandle | null> {
    assertLockArgs(key, opts);
    const slot = this.#slots.get(key);
    if (slot === undefined) {
      const fresh: Slot = { holder: null, waiters: [] };
      this.#slots.set(key, fresh);
      return this.#grant(key, fresh, opts.ttlMs);
    }
    // A free slot with waiters cannot exist: release hands the lock straight to the next waiter.
    if (opts.waitMs === 0) return null;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        ttlMs: opts.ttlMs,
        resolve,
        timeout: setTimeout(() => {
          const i = slot.waiters.indexOf(waiter);
          if (i !== -1) slot.waiters.splice(i, 1);
          resolve(null);
        }, opts.waitMs),
      };
      slot.waiters.push(waiter);
    });
  }

  /** Evicts every holder and answers every waiter with null. */
  async close(): Promise<void> {
    for (const slot of this.#slots.values()) {
      if (slot.holder !== null) clearTimeout(slot.holder.expiry);
      for (const waiter of slot.waiters) {
        clearTimeout(waiter.timeout);
        waiter.resolve(null);
      }
    }
    this.#slots.clear();
  }

  #grant(key: string, slot: Slot, ttlMs: number): LockHandle {
    const token = randomUUID();
    this.#fence += 1;
    const fence = this.#fence;
    slot.holder = { token, fence, expiry: this.#expireAfter(key, token, ttlMs) };
    return {
      key,
      token,
      fence,
      release: async () => this.#release(key, token),
      extend: async (ttl) => this.#extend(key, token, ttl),
    };
  }

  // Unref'd: a stuck holder's lease should not keep the process alive; waiters keep their own
  // (ref'd) timers, so a process waiting for the lock stays up until the lease ends.
  #expireAfter(key: string, token: string, ttlMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (this.#release(key, token)) {
        this.#logger?.warn({ key, ttlMs }, "lock lease expired before release; evicted the holder");
      }
    }, ttlMs);
    // workerd's setTimeout returns a number, with nothing to unref.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }

  #owned(key: string, token: string): Slot | null {
    const slot = this.#slots.get(key);
    return slot?.holder?.token === token ? slot : null;
  }

  #release(key: string, token: string): boolean {
    const slot = this.#owned(key, token);
    if (slot === null) return false;
    clearTimeout(slot.holder!.expiry);
    slot.holder = null;
    const next = slot.waiters.shift();
    if (next === undefined) {
      this.#slots.delete(key);
    } else {
      clearTimeout(next.timeout);
      next.resolve(this.#grant(key, slot, next.ttlMs));
    }
    return true;
  }

  #extend(key: string, token: string, ttlMs: number): boolean {
    assertTtl(ttlMs);
    const holder = this.#owned(key, token)?.holder;
    if (!holder) return false;
    clearTimeout(holder.expiry);
    holder.expiry = this.#expireAfter(key, token, ttlMs);
    return true;
  }
}
