import { asc } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderFacts } from "../../src/db/schema/index.ts";
import { rebuildFacts } from "../../src/facts/index.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { handle, runAftersales, stockShop } from "./load.ts";
import { eventsOf, generateShop, rng } from "./model.ts";

/** The table without the refresh stamp, which says when, not what. */
async function facts(deps: TestDeps) {
  const rows = await deps.db.select().from(orderFacts).orderBy(asc(orderFacts.orderNo));
  return rows.map(({ refreshedAt: _, ...r }) => r);
}

describe("the fact table kept from events equals one rebuilt from the stored log", () => {
  it("after a random workload: shuffled arrival, repeated deliveries, after-sales", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 4, max: 24 }),
        async (seed, n) => {
          const deps = await testDeps();
          try {
            deps.clock.set(Date.parse("2026-12-01T02:00:00Z"));
            await stockShop(deps);
            const orders = generateShop(seed, n);
            const r = rng(seed ^ 0x5f3759df);
            const events = orders.flatMap(eventsOf);
            // Any arrival order, and some deliveries twice (a repeat is a duplicate event).
            for (let i = events.length - 1; i > 0; i--) {
              const j = r.int(0, i);
              [events[i], events[j]] = [events[j]!, events[i]!];
            }
            for (const e of events) {
              await handle(deps, e);
              if (r.next() < 0.15) await handle(deps, e);
            }
            await runAftersales(deps, orders);
            const incremental = await facts(deps);
            expect(incremental.length).toBe(orders.filter((o) => o.paidAt !== undefined).length);
            const rebuilt = await deps.writer.run((tx) => rebuildFacts(tx, deps.clock.now()));
            expect(rebuilt.rows).toBe(incremental.length);
            expect(await facts(deps)).toEqual(incremental);
          } finally {
            deps.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
