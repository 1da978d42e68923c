import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createLock, type LockHandle, MemoryLock } from "../../src/lock/index.ts";
import { lockContract } from "./lock-contract.ts";

describe("MemoryLock", () => {
  lockContract(async () => {
    const lock = new MemoryLock();
    return { locks: [lock], cleanup: () => lock.close() };
  });

  it("serves waiters in the order they arrived", async () => {
    const lock = new MemoryLock();
    const first = (await lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 0 }))!;
    const order: number[] = [];
    const waiters = [1, 2, 3, 4, 5].map(async (n) => {
      const handle = (await lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 10_000 }))!;
      order.push(n);
      await handle.release();
    });
    await first.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it("skips a waiter that gave up and hands the key to the one behind it", async () => {
    const lock = new MemoryLock();
    const first = (await lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 0 }))!;
    const impatient = lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 50 });
    const patient = lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 10_000 });
    expect(await impatient).toBeNull();
    await first.release();
    expect(await patient).not.toBeNull();
    await lock.close();
  });

  it("answers pending waiters with null when closed", async () => {
    const lock = new MemoryLock();
    await lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 0 });
    const waiting = lock.acquire("sku:1", { ttlMs: 30_000, waitMs: 10_000 });
    await lock.close();
    expect(await waiting).toBeNull();
  });

  it("issues fences above those of a previous process, so the database keeps accepting them", async () => {
    const before = new MemoryLock();
    const old: LockHandle = (await before.acquire("sku:1", { ttlMs: 1_000, waitMs: 0 }))!;
    await before.close();
    await sleep(5); // a restart takes longer than the clock's millisecond resolution
    const after = (await new MemoryLock().acquire("sku:1", { ttlMs: 1_000, waitMs: 0 }))!;
    expect(after.fence).toBeGreaterThan(old.fence);
  });

  it("reports a lease that ran out to the logger", async () => {
    const warnings: Record<string, unknown>[] = [];
    const lock = new MemoryLock({ logger: { warn: (obj) => warnings.push(obj) } });
    await lock.acquire("sku:1", { ttlMs: 20, waitMs: 0 });
    await lock.acquire("sku:1", { ttlMs: 1_000, waitMs: 5_000 });
    expect(warnings).toEqual([{ key: "sku:1", ttlMs: 20 }]);
    await lock.close();
  });

  it("is what createLock builds without a Redis URL", async () => {
    const lock = createLock();
    expect(lock).toBeInstanceOf(MemoryLock);
    await lock.close();
  });
});
