import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { findJob } from "../../jobs/index.ts";
import { runJob } from "../../jobs/runner.ts";
import { reservations, skus, stockMovements } from "../../src/db/schema/index.ts";
import { reserveBatch, StockConflict } from "../../src/inventory/index.ts";
import { MemoryLock, RedisLock } from "../../src/lock/index.ts";
import { api } from "../helpers/api.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { redisOrSkip } from "../helpers/redis.ts";

let deps: TestDeps | undefined;
afterEach(async () => {
  await deps?.close();
  deps = undefined;
});

/** on_hand and reserved rebuilt from the movement ledger, per SKU. */
async function ledger(d: TestDeps) {
  const rows = await d.db
    .select({
      sku: stockMovements.sku,
      onHand: sql<number>`sum(${stockMovements.deltaOnHand})`,
      reserved: sql<number>`sum(${stockMovements.deltaReserved})`,
    })
    .from(stockMovements)
    .groupBy(stockMovements.sku);
  return Object.fromEntries(rows.map((r) => [r.sku, { onHand: r.onHand, reserved: r.reserved }]));
}
async function stored(d: TestDeps) {
  const rows = await d.db.select().from(skus);
  return Object.fromEntries(rows.map((r) => [r.sku, { onHand: r.onHand, reserved: r.reserved }]));
}

describe("stock rules", () => {
  it("lets exactly 95 of 2,000 concurrent one-unit orders through on on_hand=100", async () => {
    deps = await testDeps();
    const a = api(deps);
    await a.putSku("HOT", { on_hand: 100 });
    const answers = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => a.createOrder(`C${i}`, [{ sku: "HOT", qty: 1 }])),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(95);
    expect(statuses.filter((s) => s === 409)).toHaveLength(1905);
    expect((await a.sku("HOT")).body).toMatchObject({ on_hand: 100, reserved: 95, available: 0 });
    expect(await ledger(deps)).toEqual(await stored(deps));
  });

  it("keeps the ledger equal to the stored counts, never negative, after a random mixed workload", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant("put" as const),
              sku: fc.constantFrom("A", "B"),
              onHand: fc.integer({ min: 0, max: 40 }),
            }),
            fc.record({
              op: fc.constant("order" as const),
              lines: fc.array(
                fc.record({ sku: fc.constantFrom("A", "B"), qty: fc.integer({ min: 1, max: 6 }) }),
                { minLength: 1, maxLength: 3 },
              ),
            }),
            fc.record({ op: fc.constant("pay" as const), pick: fc.nat(), amount: fc.constantFrom(100, 200) }),
            fc.record({ op: fc.constant("wait" as const), minutes: fc.integer({ min: 1, max: 20 }) }),
          ),
          { minLength: 5, maxLength: 40 },
        ),
        async (ops) => {
          const d = await testDeps();
          try {
            const a = api(d);
            await a.putSku("A", { on_hand: 20 });
            await a.putSku("B", { on_hand: 20 });
            let n = 0;
            const created: string[] = [];
            for (const o of ops) {
              if (o.op === "put") await a.putSku(o.sku, { on_hand: o.onHand });
              if (o.op === "order") {
                const no = `R${n++}`;
                if ((await a.createOrder(no, o.lines)).status === 201) created.push(no);
              }
              if (o.op === "pay" && created.length)
                await a.pay(created[o.pick % created.length]!, `p-${o.pick % 5}`, o.amount);
              if (o.op === "wait") {
                d.clock.advance(o.minutes * 60_000);
                await runJob(d, findJob("expire-reservations")!);
              }
            }
            const s = await stored(d);
            expect(await ledger(d)).toEqual(s);
            for (const v of Object.values(s)) {
              expect(v.onHand).toBeGreaterThanOrEqual(0);
              expect(v.reserved).toBeGreaterThanOrEqual(0);
              // A stock count may lower on_hand under the reservable line, never under what is held.
              expect(v.reserved).toBeLessThanOrEqual(v.onHand);
            }
            const held = await d.db
              .select({ sku: reservations.sku, q: sql<number>`sum(${reservations.qty})` })
              .from(reservations)
              .where(sql`${reservations.status} = 'held'`)
              .groupBy(reservations.sku);
            for (const h of held) expect(s[h.sku]!.reserved).toBe(h.q);
          } finally {
            await d.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);

  it("refuses the write of a lock holder whose lock expired and was taken over (fencing)", async () => {
    deps = await testDeps();
    const a = api(deps);
    await a.putSku("HOT", { on_hand: 100 });
    const lock = new MemoryLock();
    const settings = deps.settings;
    const stale = await lock.acquire("sku:HOT", { ttlMs: 20, waitMs: 0 });
    await new Promise((r) => setTimeout(r, 40)); // the holder stalls past its TTL
    const fresh = await lock.acquire("sku:HOT", { ttlMs: 5_000, waitMs: 1_000 });
    expect(fresh!.fence).toBeGreaterThan(stale!.fence);
    const now = deps.clock.now();
    const take = (no: string, qty: number, fence: number) =>
      deps!.writer.run((tx) =>
        reserveBatch(
          tx,
          [{ orderNo: no, lines: [{ sku: "HOT", qty }], expiresAt: now + 1 }],
          settings,
          now,
          fence,
        ),
      );
    await take("NEW", 9, fresh!.fence);
    // Stock is there, so only the fencing token stands between the stale holder and a write.
    await expect(take("OLD", 9, stale!.fence)).rejects.toBeInstanceOf(StockConflict);
    expect((await a.sku("HOT")).body).toMatchObject({ reserved: 9 });
    await lock.close();
  });

  it("settles a payment racing the expiry job exactly once", async () => {
    for (let round = 0; round < 20; round++) {
      const d = await testDeps();
      try {
        const a = api(d);
        await a.putSku("SKU-1", { on_hand: 10 });
        await a.createOrder("O1", [{ sku: "SKU-1", qty: 2 }]);
        d.clock.advance(15 * 60_000 + 1);
        const [paid] = await Promise.all([
          a.pay("O1", "wx-1", 2000),
          runJob(d, findJob("expire-reservations")!),
        ]);
        expect(["deducted", "re_reserved"]).toContain(paid.body.outcome);
        expect((await a.sku("SKU-1")).body).toMatchObject({ on_hand: 8, reserved: 0 });
        const moves = await d.db.select().from(stockMovements).where(sql`${stockMovements.kind} = 'deduct'`);
        expect(moves).toHaveLength(1);
        expect(await ledger(d)).toEqual(await stored(d));
      } finally {
        await d.close();
      }
    }
  });
});

const redis = await redisOrSkip("stock with a Redis lock");
describe.skipIf(redis.skip)("stock with a Redis lock", () => {
  it("lets exactly 95 of 2,000 concurrent orders through, and a lapsed holder cannot write", async () => {
    const lock = new RedisLock(redis.connect(), { prefix: redis.uniquePrefix() });
    deps = await testDeps({}, lock);
    const a = api(deps);
    await a.putSku("HOT", { on_hand: 100 });
    const answers = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => a.createOrder(`C${i}`, [{ sku: "HOT", qty: 1 }])),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(95);
    expect((await a.sku("HOT")).body).toMatchObject({ reserved: 95 });

    await a.putSku("FENCED", { on_hand: 100 });
    const stale = await lock.acquire("sku:FENCED", { ttlMs: 30, waitMs: 0 });
    await new Promise((r) => setTimeout(r, 80));
    const ok = await a.createOrder("NEW", [{ sku: "FENCED", qty: 9 }]); // the engine takes the lock anew
    expect(ok.status).toBe(201);
    const now = deps.clock.now();
    await expect(
      deps.writer.run((tx) =>
        reserveBatch(
          tx,
          [{ orderNo: "OLD", lines: [{ sku: "FENCED", qty: 9 }], expiresAt: now + 1 }],
          deps!.settings,
          now,
          stale!.fence,
        ),
      ),
    ).rejects.toBeInstanceOf(StockConflict);
    expect((await a.sku("FENCED")).body.reserved).toBe(9);
    await redis.deleteKeys(redis.uniquePrefix());
  });
});
