import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type Lock, type LockHandle, LockTimeoutError, withLock } from "../../src/lock/index.ts";

export interface LockFixture {
  /** Locks over one key space: one for memory, one per client ("process") for Redis. */
  locks: [Lock, ...Lock[]];
  cleanup(): Promise<void>;
}

const LONG = { ttlMs: 30_000, waitMs: 20_000 };

function acquired(handle: LockHandle | null): LockHandle {
  expect(handle, "expected the lock to be acquired").not.toBeNull();
  return handle!;
}

/** Runs `ops` concurrently under `withLock`, checking that holders of one key never overlap. */
async function contend(locks: Lock[], ops: { key: string; holdMs: number }[]) {
  const active = new Map<string, number>();
  const counters = new Map<string, number>();
  const fences = new Map<string, number[]>();
  let maxActive = 0;
  await Promise.all(
    ops.map(({ key, holdMs }, i) =>
      withLock(locks[i % locks.length]!, key, LONG, async (handle) => {
        const now = (active.get(key) ?? 0) + 1;
        active.set(key, now);
        maxActive = Math.max(maxActive, now);
        fences.set(key, [...(fences.get(key) ?? []), handle.fence]);
        // Read, yield, write: any overlap between holders loses an update.
        const seen = counters.get(key) ?? 0;
        await (holdMs === 0 ? Promise.resolve() : sleep(holdMs));
        await new Promise((resolve) => setImmediate(resolve));
        counters.set(key, seen + 1);
        active.set(key, (active.get(key) ?? 1) - 1);
      }),
    ),
  );
  return { maxActive, counters, fences };
}

function strictlyIncreasing(xs: number[]): boolean {
  return xs.every((x, i) => i === 0 || x > xs[i - 1]!);
}

/** The behaviour every Lock implementation must have. Call inside a describe. */
export function lockContract(setup: () => Promise<LockFixture>): void {
  let fixture: LockFixture;
  let lock: Lock;
  let peer: Lock;

  beforeEach(async () => {
    fixture = await setup();
    lock = fixture.locks[0];
    peer = fixture.locks.at(-1)!;
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it("hands a free key over at once with its key, a token and a fence", async () => {
    const handle = acquired(await lock.acquire("sku:1", { ttlMs: 5_000, waitMs: 0 }));
    expect(handle.key).toBe("sku:1");
    expect(handle.token).not.toBe("");
    expect(Number.isSafeInteger(handle.fence)).toBe(true);
    expect(await handle.release()).toBe(true);
  });

  it("serialises 200 concurrent withLock increments: no lost update, never two holders", async () => {
    const ops = Array.from({ length: 200 }, () => ({ key: "sku:hot", holdMs: 1 }));
    const { maxActive, counters } = await contend(fixture.locks, ops);
    expect(counters.get("sku:hot")).toBe(200);
    expect(maxActive).toBe(1);
  });

  it("gives each holder a fence greater than every earlier holder's", async () => {
    const ops = Array.from({ length: 40 }, () => ({ key: "sku:hot", holdMs: 0 }));
    const { fences } = await contend(fixture.locks, ops);
    const seen = fences.get("sku:hot")!;
    expect(seen).toHaveLength(40);
    expect(strictlyIncreasing(seen), `fences in order of entry: ${seen.join(", ")}`).toBe(true);
  });

  it("keeps holders of one key apart and fences increasing, for any mix of keys and hold times", async () => {
    const op = fc.record({
      key: fc.constantFrom("sku:a", "sku:b", "sku:c"),
      holdMs: fc.integer({ min: 0, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const { maxActive, counters, fences } = await contend(fixture.locks, ops);
        expect(maxActive).toBe(1);
        for (const key of new Set(ops.map((o) => o.key))) {
          expect(counters.get(key)).toBe(ops.filter((o) => o.key === key).length);
          expect(strictlyIncreasing(fences.get(key)!)).toBe(true);
        }
      }),
      { numRuns: 20 },
    );
  });

  it("resolves null when the holder keeps the key past waitMs, after waiting about waitMs", async () => {
    const holder = acquired(await lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 0 }));
    const started = performance.now();
    expect(await peer.acquire("sku:1", { ttlMs: 5_000, waitMs: 200 })).toBeNull();
    const waited = performance.now() - started;
    // Generous bounds: it did wait, and the wait was bounded.
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(10_000);
    await holder.release();
  });

  it("with waitMs 0 tries once and resolves null while the key is held", async () => {
    const holder = acquired(await lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 0 }));
    expect(await peer.acquire("sku:1", { ttlMs: 5_000, waitMs: 0 })).toBeNull();
    await holder.release();
  });

  it("makes withLock throw LockTimeoutError naming the key, without running fn", async () => {
    const holder = acquired(await lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 0 }));
    let ran = false;
    const attempt = withLock(peer, "sku:1", { ttlMs: 5_000, waitMs: 100 }, async () => {
      ran = true;
    });
    await expect(attempt).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(attempt).rejects.toMatchObject({ key: "sku:1", waitMs: 100 });
    expect(ran).toBe(false);
    await holder.release();
  });

  it("makes withLock return fn's result and free the key", async () => {
    const result = await withLock(lock, "sku:1", LONG, async (handle) => handle.fence);
    expect(typeof result).toBe("number");
    acquired(await peer.acquire("sku:1", { ttlMs: 5_000, waitMs: 0 }));
  });

  it("makes withLock free the key when fn throws, and rethrow fn's error", async () => {
    const boom = new Error("boom");
    await expect(
      withLock(lock, "sku:1", LONG, async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    acquired(await peer.acquire("sku:1", { ttlMs: 5_000, waitMs: 0 }));
  });

  it("releases once: a second release of the same handle returns false", async () => {
    const handle = acquired(await lock.acquire("sku:1", { ttlMs: 5_000, waitMs: 0 }));
    expect(await handle.release()).toBe(true);
    expect(await handle.release()).toBe(false);
  });

  it("lets the next waiter in when a holder never releases and its ttl runs out", async () => {
    const stuck = acquired(await lock.acquire("sku:1", { ttlMs: 150, waitMs: 0 }));
    const next = acquired(await peer.acquire("sku:1", { ttlMs: 5_000, waitMs: 10_000 }));
    expect(next.fence).toBeGreaterThan(stuck.fence);
    expect(await next.release()).toBe(true);
  });

  it("ignores a stale handle's release: the newer holder keeps the key", async () => {
    const stale = acquired(await lock.acquire("sku:1", { ttlMs: 100, waitMs: 0 }));
    const current = acquired(await peer.acquire("sku:1", { ttlMs: 30_000, waitMs: 10_000 }));
    expect(await stale.release()).toBe(false);
    expect(await lock.acquire("sku:1", { ttlMs: 5_000, waitMs: 0 })).toBeNull();
    expect(await current.release()).toBe(true);
  });

  it("extends the holder's lease past its original ttl", async () => {
    const holder = acquired(await lock.acquire("sku:1", { ttlMs: 150, waitMs: 0 }));
    expect(await holder.extend(30_000)).toBe(true);
    // Well past the original 150 ms lease: still held.
    expect(await peer.acquire("sku:1", { ttlMs: 5_000, waitMs: 600 })).toBeNull();
    expect(await holder.release()).toBe(true);
  });

  it("refuses to extend for a handle that lost the key, leaving the new holder's lease alone", async () => {
    const stale = acquired(await lock.acquire("sku:1", { ttlMs: 100, waitMs: 0 }));
    const current = acquired(await peer.acquire("sku:1", { ttlMs: 30_000, waitMs: 10_000 }));
    expect(await stale.extend(50)).toBe(false);
    await sleep(300);
    // Had the stale extend shortened the lease to 50 ms, the key would be free by now.
    expect(await lock.acquire("sku:1", { ttlMs: 5_000, waitMs: 0 })).toBeNull();
    expect(await current.release()).toBe(true);
  });

  it("does not make holders of different keys wait for each other", async () => {
    const a = acquired(await lock.acquire("sku:a", { ttlMs: 30_000, waitMs: 0 }));
    const b = acquired(await peer.acquire("sku:b", { ttlMs: 30_000, waitMs: 0 }));
    expect(await a.release()).toBe(true);
    expect(await b.release()).toBe(true);
  });

  it("rejects a non-positive ttl, a negative wait, an empty key and a key ending in :fence", async () => {
    await expect(lock.acquire("sku:1", { ttlMs: 0, waitMs: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(lock.acquire("sku:1", { ttlMs: 1_000, waitMs: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(lock.acquire("", { ttlMs: 1_000, waitMs: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(lock.acquire("sku:1:fence", { ttlMs: 1_000, waitMs: 0 })).rejects.toBeInstanceOf(RangeError);
    const handle = acquired(await lock.acquire("sku:1", { ttlMs: 1_000, waitMs: 0 }));
    await expect(handle.extend(0)).rejects.toBeInstanceOf(RangeError);
  });
}
