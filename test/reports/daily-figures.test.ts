import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aftersaleCases, alerts, driftRuns, orders, payments, refunds } from "../../src/db/schema/index.ts";
import { dailyFigures } from "../../src/reports/daily-figures.ts";
import { testDeps } from "../helpers/deps.ts";

const DAY = "2026-11-27";
const HOUR = 3_600_000;
/** Midnight (Shanghai) that starts DAY, and the one that ends it. */
const START = Date.parse("2026-11-27T00:00:00+08:00");
const END = Date.parse("2026-11-28T00:00:00+08:00");

/** Shanghai has no daylight saving: the expected side uses plain arithmetic, not the code under test. */
const shanghaiDay = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);
const days7 = ["2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", DAY];

/** Times that crowd the two midnights (to the millisecond) and spread over the week before. */
const time = fc.oneof(
  fc.integer({ min: -3, max: 3 }).map((d) => START + d),
  fc.integer({ min: -3, max: 3 }).map((d) => END + d),
  fc.integer({ min: -2 * HOUR, max: 2 * HOUR }).map((d) => START + d),
  fc.integer({ min: -2 * HOUR, max: 2 * HOUR }).map((d) => END + d),
  fc.integer({ min: START - 8 * 24 * HOUR, max: END + 24 * HOUR }),
);
const cents = fc.integer({ min: 0, max: 5_000_000 });

const order = fc.record({
  createdAt: time,
  orderAmount: cents,
  actualPaid: cents,
  /** none, the channel's pay_time, our payment callbacks (first one counts), or both (pay_time wins). */
  paid: fc.constantFrom("none", "channel", "callback", "both"),
  paidAt: time,
  callbacks: fc.array(time, { minLength: 1, maxLength: 3 }),
  refund: fc.option(fc.record({ at: time, total: cents }), { nil: undefined }),
  escalatedAt: fc.option(time, { nil: undefined }),
});

const world = fc.record({
  orders: fc.array(order, { maxLength: 25 }),
  alerts: fc.array(fc.constantFrom("open", "resolved"), { maxLength: 6 }),
  drift: fc.array(
    fc.record({
      day: fc.constantFrom(DAY, "2026-11-26", "2026-11-28"),
      found: fc.integer({ min: 0, max: 50 }),
      status: fc.constantFrom("ok", "failed", "running"),
    }),
    { maxLength: 5 },
  ),
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

/** What the report must say, computed from the generated rows alone. */
function expected(w: World) {
  const paidTime = (o: World["orders"][number]) =>
    o.paid === "channel" || o.paid === "both"
      ? o.paidAt
      : o.paid === "callback"
        ? Math.min(...o.callbacks)
        : null;
  const paidOn = (d: string) =>
    w.orders.filter((o) => paidTime(o) !== null && shanghaiDay(paidTime(o)!) === d);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const refunded = w.orders.flatMap((o) => (o.refund && shanghaiDay(o.refund.at) === DAY ? [o.refund] : []));
  const drift = w.drift.map((d, i) => ({ ...d, i })).filter((d) => d.day === DAY && d.status === "ok");
  return {
    day: DAY,
    ordersCreated: w.orders.filter((o) => shanghaiDay(o.createdAt) === DAY).length,
    paidOrders: paidOn(DAY).length,
    gmv: sum(paidOn(DAY).map((o) => o.orderAmount)),
    paidAmount: sum(paidOn(DAY).map((o) => o.actualPaid)),
    refundCount: refunded.length,
    refundAmount: sum(refunded.map((r) => r.total)),
    driftFound: drift.at(-1)?.found ?? 0,
    openAlerts: w.alerts.filter((s) => s === "open").length,
    slaBreaches: w.orders.filter((o) => o.escalatedAt !== undefined && shanghaiDay(o.escalatedAt) === DAY)
      .length,
    last7: days7.map((d) => ({ day: d, paidAmount: sum(paidOn(d).map((o) => o.actualPaid)) })),
    // No anomaly rule ran on this world (its orders are written directly): no effect, no digest.
    rules: [],
    digest: [],
  };
}

const MONEY = {
  orderAmount: 0,
  actualPaid: 0,
  shippingFee: 0,
  shippingBorneBy: "buyer" as const,
  lines: [],
  discounts: [],
};

describe("daily figures", () => {
  it("equal figures computed independently from generated orders around the Shanghai midnights", async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const deps = await testDeps();
        try {
          await deps.writer.run(async (tx) => {
            for (const [i, o] of w.orders.entries()) {
              const orderNo = `G${i}`;
              await tx.insert(orders).values({
                orderNo,
                channel: o.paid === "callback" ? "miniapp" : "taobao",
                statusAnchor: o.paid === "none" ? "created" : "paid",
                orderAmount: o.orderAmount,
                actualPaid: o.actualPaid,
                createdAt: o.createdAt,
                paidAt: o.paid === "channel" || o.paid === "both" ? o.paidAt : null,
                updatedAt: o.createdAt,
              });
              if (o.paid === "callback" || o.paid === "both") {
                for (const [j, at] of o.callbacks.entries()) {
                  await tx.insert(payments).values({
                    paymentId: `pay-${i}-${j}`,
                    orderNo,
                    amount: o.actualPaid,
                    source: "payment",
                    outcome: "deducted",
                    receivedAt: at,
                  });
                }
              }
              if (o.refund || o.escalatedAt !== undefined) {
                const [c] = await tx
                  .insert(aftersaleCases)
                  .values({
                    orderNo,
                    channel: "taobao",
                    kind: "refund_only",
                    status: o.refund ? "refunded" : "open",
                    source: "test",
                    lines: [],
                    money: MONEY,
                    slaEscalatedAt: o.escalatedAt ?? null,
                    createdAt: o.createdAt,
                    touchedAt: o.createdAt,
                  })
                  .returning({ id: aftersaleCases.id });
                if (o.refund) {
                  await tx.insert(refunds).values({
                    caseId: c!.id,
                    orderNo,
                    total: o.refund.total,
                    shipping: 0,
                    pointsReturned: 0,
                    approvedBy: "test",
                    createdAt: o.refund.at,
                  });
                }
              }
            }
            for (const status of w.alerts) {
              await tx
                .insert(alerts)
                .values({ kind: "t", severity: "P2", message: "m", details: {}, status, createdAt: START });
            }
            for (const d of w.drift) {
              await tx
                .insert(driftRuns)
                .values({ day: d.day, startedAt: START, found: d.found, status: d.status });
            }
          });
          const got = await dailyFigures({ db: deps.db, day: DAY, timeZone: "Asia/Shanghai" });
          expect(got).toEqual(expected(w));
        } finally {
          await deps.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it("are all zero on an empty database", async () => {
    const deps = await testDeps();
    try {
      const got = await dailyFigures({ db: deps.db, day: DAY, timeZone: "Asia/Shanghai" });
      expect(got).toMatchObject({ ordersCreated: 0, paidOrders: 0, gmv: 0, paidAmount: 0, driftFound: 0 });
      expect(got.last7.map((d) => d.paidAmount)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    } finally {
      await deps.close();
    }
  });
});
