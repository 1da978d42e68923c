import { afterEach, describe, expect, it } from "vitest";
import { jobLeases } from "../../src/db/schema/index.ts";
import { DbLease } from "../../src/lock/db-lease.ts";
import { type LockHandle, MemoryLock } from "../../src/lock/index.ts";
import { systemClock } from "../../src/shared/clock.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { lockContract } from "../lock/lock-contract.ts";

describe("DbLease, on the shared Lock contract (real time)", () => {
  lockContract(async () => {
    const deps = await testDeps();
    // Two instances over one database stand for two processes.
    const fast = { backoff: { minMs: 1, maxMs: 10 } };
    return {
      locks: [new DbLease(deps.writer, systemClock, fast), new DbLease(deps.writer, systemClock, fast)],
      cleanup: () => deps.close(),
    };
  });
});

describe("DbLease (manual clock)", () => {
  let deps: TestDeps;
  let a: DbLease;
  let b: DbLease;
  const TTL = { ttlMs: 60_000, waitMs: 0 };
  const make = async () => {
    deps = await testDeps();
    a = new DbLease(deps.writer, deps.clock);
    b = new DbLease(deps.writer, deps.clock);
  };
  afterEach(async () => {
    await deps.close();
  });

  it("grants one of many simultaneous acquisitions and refuses the rest", async () => {
    await make();
    const got = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).acquire("job:x", TTL)),
    );
    expect(got.filter((h) => h !== null)).toHaveLength(1);
  });

  it("expires by itself after its ttl, so a holder that died blocks the key only that long", async () => {
    await make();
    expect(await a.acquire("job:x", TTL)).not.toBeNull();
    deps.clock.advance(59_999);
    expect(await b.acquire("job:x", TTL)).toBeNull();
    deps.clock.advance(1);
    expect(await b.acquire("job:x", TTL)).not.toBeNull();
  });

  it("is released only by its holder: another holder or fence changes nothing", async () => {
    await make();
    const held = (await a.acquire("job:x", TTL))!;
    const [row] = await deps.db.select().from(jobLeases);
    expect(row).toMatchObject({ name: "job:x", holder: held.token, fence: held.fence });
    // A stale holder (expired, then taken over) cannot release or extend the new holder's lease.
    deps.clock.advance(60_000);
    const next = (await b.acquire("job:x", TTL))!;
    expect(await held.release()).toBe(false);
    expect(await held.extend(60_000)).toBe(false);
    expect(await a.acquire("job:x", TTL)).toBeNull();
    expect(await next.release()).toBe(true);
    expect(await a.acquire("job:x", TTL)).not.toBeNull();
  });

  it("raises the fence with every grant, across releases and expiries", async () => {
    await make();
    const fences: number[] = [];
    for (let i = 0; i < 6; i++) {
      const h: LockHandle = (await (i % 2 ? a : b).acquire("job:x", TTL))!;
      fences.push(h.fence);
      if (i % 3 === 0) deps.clock.advance(60_000);
      else await h.release();
    }
    expect(fences).toEqual([1, 2, 3, 4, 5, 6]);
    // Keys are independent.
    expect((await a.acquire("job:y", TTL))!.fence).toBe(1);
  });

  it("keeps the key while extended past its first ttl", async () => {
    await make();
    const h = (await a.acquire("job:x", TTL))!;
    deps.clock.advance(50_000);
    expect(await h.extend(60_000)).toBe(true);
    deps.clock.advance(50_000);
    expect(await b.acquire("job:x", TTL)).toBeNull();
  });

  it("is the job lease deps build without REDIS_URL (never the in-process lock)", async () => {
    deps = await testDeps({}, new MemoryLock());
    expect(deps.jobLease).toBeInstanceOf(DbLease);
  });
});
