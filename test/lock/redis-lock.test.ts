import type { Redis } from "ioredis";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLock, RedisLock, withLock } from "../../src/lock/index.ts";
import { redisOrSkip } from "../helpers/redis.ts";
import { lockContract } from "./lock-contract.ts";

const redis = await redisOrSkip("RedisLock");

describe.skipIf(redis.skip)("RedisLock", () => {
  // Two connections stand for two processes sharing one Redis.
  let clientA: Redis;
  let clientB: Redis;
  const prefixes: string[] = [];

  beforeAll(() => {
    clientA = redis.connect();
    clientB = redis.connect();
  });
  afterEach(async () => {
    await Promise.all(prefixes.splice(0).map((p) => redis.deleteKeys(p)));
  });

  function pair(): { prefix: string; a: RedisLock; b: RedisLock } {
    const prefix = redis.uniquePrefix();
    prefixes.push(prefix);
    return { prefix, a: new RedisLock(clientA, { prefix }), b: new RedisLock(clientB, { prefix }) };
  }

  lockContract(async () => {
    const { a, b } = pair();
    return { locks: [a, b], cleanup: async () => {} };
  });

  it("keeps two processes apart when each runs its own loop of increments on one key", async () => {
    const { a, b } = pair();
    let counter = 0;
    let active = 0;
    let maxActive = 0;
    const loop = async (lock: RedisLock) => {
      for (let i = 0; i < 50; i++) {
        await withLock(lock, "sku:hot", { ttlMs: 30_000, waitMs: 20_000 }, async () => {
          maxActive = Math.max(maxActive, ++active);
          const seen = counter;
          await new Promise((resolve) => setTimeout(resolve, 1));
          counter = seen + 1;
          active--;
        });
      }
    };
    await Promise.all([loop(a), loop(b), loop(a), loop(b)]);
    expect(counter).toBe(200);
    expect(maxActive).toBe(1);
  });

  it("stores the token under the prefixed key with the ttl, and the fence under <key>:fence", async () => {
    const { prefix, a } = pair();
    const handle = (await a.acquire("sku:1", { ttlMs: 10_000, waitMs: 0 }))!;
    expect(await clientB.get(`${prefix}sku:1`)).toBe(handle.token);
    const pttl = await clientB.pttl(`${prefix}sku:1`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(10_000);
    expect(Number(await clientB.get(`${prefix}sku:1:fence`))).toBe(handle.fence);
    expect(await handle.release()).toBe(true);
    expect(await clientB.exists(`${prefix}sku:1`)).toBe(0);
  });

  it("keeps fences increasing when Redis loses the counter", async () => {
    const { prefix, a } = pair();
    const first = (await a.acquire("sku:1", { ttlMs: 10_000, waitMs: 0 }))!;
    await first.release();
    await clientB.del(`${prefix}sku:1:fence`);
    const second = (await a.acquire("sku:1", { ttlMs: 10_000, waitMs: 0 }))!;
    expect(second.fence).toBeGreaterThan(first.fence);
  });

  it('uses "anchorbot:lock:" as the default prefix', async () => {
    const key = `${redis.uniquePrefix()}sku:1`;
    const handle = (await new RedisLock(clientA).acquire(key, { ttlMs: 10_000, waitMs: 0 }))!;
    try {
      expect(await clientB.get(`anchorbot:lock:${key}`)).toBe(handle.token);
    } finally {
      await handle.release();
      await clientB.del(`anchorbot:lock:${key}:fence`);
    }
  });

  it("keeps working after the server's script cache is flushed", async () => {
    const { a } = pair();
    await (await a.acquire("sku:1", { ttlMs: 10_000, waitMs: 0 }))!.release();
    await clientB.script("FLUSH");
    const handle = (await a.acquire("sku:1", { ttlMs: 10_000, waitMs: 0 }))!;
    expect(await handle.extend(20_000)).toBe(true);
    expect(await handle.release()).toBe(true);
  });

  it("is what createLock builds from a Redis URL, and close() quits its connection", async () => {
    const { prefix } = pair();
    const lock = createLock({ redisUrl: redis.url, prefix });
    expect(lock).toBeInstanceOf(RedisLock);
    const handle = (await lock.acquire("sku:1", { ttlMs: 10_000, waitMs: 0 }))!;
    expect(await clientB.get(`${prefix}sku:1`)).toBe(handle.token);
    expect(await handle.release()).toBe(true);
    await lock.close();
    await expect(lock.acquire("sku:1", { ttlMs: 10_000, waitMs: 0 })).rejects.toThrow();
  });
});
