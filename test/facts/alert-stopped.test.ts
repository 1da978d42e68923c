import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { alertHits } from "../../src/db/schema/index.ts";
import { cancelOrder } from "../../src/orders/cancel-order.ts";
import { api } from "../helpers/api.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { handle, stockShop } from "./load.ts";
import { actualPaidOf, eventsOf, H, type ModelOrder, START } from "./model.ts";

let deps: TestDeps;
let a: ReturnType<typeof api>;

const order = (orderNo: string, channel: ModelOrder["channel"], paidAt: number): ModelOrder => ({
  orderNo,
  channel,
  story: "paid",
  buyer: orderNo,
  province: "浙江省",
  lines: [{ sku: "SKU-A", qty: 1, unitPrice: 60_000 }],
  discounts: [],
  shippingFee: 0,
  borneBy: "buyer",
  createdAt: paidAt - 60_000,
  paidAt,
  viaPayment: false,
});

beforeEach(async () => {
  deps = await testDeps();
  deps.clock.set(Date.parse("2026-12-01T02:00:00Z"));
  a = api(deps);
  await stockShop(deps);
});
afterEach(() => deps.close());

describe("预警拦截金额 (alert_stopped_amount)", () => {
  /** Hits as the alert centre stores them: amount is the order's paid amount at the time. */
  const hit = (orderNo: string, amount: number, outcome: string | null, decidedAt: number | null) => ({
    ruleId: "address_risk",
    orderNo,
    groupKey: orderNo,
    level: "P1" as const,
    action: "hold",
    amount,
    message: "test",
    details: {},
    status: (outcome === null ? "open" : outcome === "expired" ? "expired" : "decided") as "open",
    outcome: outcome as "rejected" | null,
    decidedAt,
    createdAt: START,
  });

  it("sums the hits people rejected or frozen by the Shanghai day they decided, split by channel", async () => {
    for (const [no, ch] of [
      ["A1", "taobao"],
      ["A2", "pdd"],
      ["A3", "taobao"],
    ] as const)
      for (const e of eventsOf(order(no, ch, START + H))) await handle(deps, e);
    await deps.writer.run(async (tx) => {
      await tx.insert(alertHits).values([
        hit("A1", 60_000, "rejected", START + 2 * H), // 11-26
        hit("A2", 70_000, "frozen", START + 24 * H + 10 * 60_000), // 11-27 00:10 Shanghai, 11-26 in UTC
        hit("A3", 80_000, "approved", START + 3 * H), // released: a false positive, nothing stopped
        hit("A3", 90_000, "expired", START + 4 * H),
        hit("A3", 95_000, null, null), // still open
        hit("A1", 99_000, "rejected", START - H), // decided the day before the period
      ]);
    });
    const q = "from=2026-11-26&to=2026-11-27";
    const total = await a.call("GET", `/metrics/alert_stopped_amount?${q}`);
    expect(total.status, JSON.stringify(total.body)).toBe(200);
    expect(total.body.total).toBe(60_000 + 70_000);
    expect(total.body.caliber).toContain("放行(误报)和过期不计");
    const byDay = await a.call("GET", `/metrics/alert_stopped_amount?${q}&by=day`);
    expect(byDay.body.rows).toEqual([
      { key: "2026-11-26", value: 60_000, display: "¥600.00" },
      { key: "2026-11-27", value: 70_000, display: "¥700.00" },
    ]);
    const byChannel = await a.call("GET", `/metrics/alert_stopped_amount?${q}&by=channel`);
    expect(byChannel.body.rows.map((r: { key: string; value: number }) => [r.key, r.value])).toEqual([
      ["pdd", 70_000],
      ["taobao", 60_000],
    ]);
  });

  it("a paid order stopped by an alert decision shows as cancelled after payment in the facts", async () => {
    const o = order("S1", "miniapp", START + H);
    for (const e of eventsOf(o)) await handle(deps, e);
    await deps.writer.run((tx) =>
      cancelOrder(tx, {
        orderNo: "S1",
        reason: "异常预警审核后取消",
        by: "boss",
        rules: deps.rules,
        settings: deps.settings,
        now: deps.clock.now(),
      }),
    );
    const facts = await a.call("GET", "/facts?from=2026-11-26&to=2026-11-26");
    const row = facts.body.rows.find((r: { order_no: string }) => r.order_no === "S1");
    expect(row.status_anchor).toBe("cancelled");
    expect(row.cancelled_at).toBe(deps.clock.now());
    const net = await a.call("GET", "/metrics/net_sales?from=2026-11-26&to=2026-11-26");
    expect(net.body.total).toBe(0);
    const paid = await a.call("GET", "/metrics/paid_amount?from=2026-11-26&to=2026-11-26");
    expect(paid.body.total).toBe(actualPaidOf(o));
  });
});
