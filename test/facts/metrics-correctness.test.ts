import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRICS } from "../../src/facts/index.ts";
import { api } from "../helpers/api.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { type CaseOutcome, loadShop, seedDrift } from "./load.ts";
import { DAYS, generateShop, H, type ModelOrder, START, shanghaiDay } from "./model.ts";
import { type By, FACT_ORACLE, groupBy, keyOf, paidRows, type Row, SKU_ORACLE } from "./oracle.ts";

let deps: TestDeps;
let orders: ModelOrder[];
let cases: Map<string, CaseOutcome>;
let a: ReturnType<typeof api>;
let dims: Map<string, string[]>;
const DRIFT = [
  { orderNo: "X1", kind: "stuck_paid", firstSeenAt: START + 2 * H, runId: 1 },
  // The same drift carried into the next run keeps its first-seen time: counted once.
  { orderNo: "X1", kind: "stuck_paid", firstSeenAt: START + 2 * H, runId: 2 },
  { orderNo: "X2", kind: "stuck_paid", firstSeenAt: START + 26 * H, runId: 2 },
  { orderNo: "X2", kind: "source_ahead", firstSeenAt: START + 26 * H, runId: 2 },
  { orderNo: "X3", kind: "stuck_paid", firstSeenAt: START - H, runId: 0 },
];

beforeAll(async () => {
  deps = await testDeps();
  deps.clock.set(Date.parse("2026-12-01T02:00:00Z"));
  orders = generateShop(7, 90);
  cases = await loadShop(deps, orders);
  await seedDrift(deps, DRIFT);
  a = api(deps);
  const registry = await a.call("GET", "/metrics");
  dims = new Map(registry.body.metrics.map((m: { id: string; dims: string[] }) => [m.id, m.dims]));
}, 60_000);
afterAll(() => deps.close());

const inPeriod = (ms: number) => DAYS.includes(shanghaiDay(ms));

function expected(id: string, by: By): Map<string, number | null> {
  const out = new Map<string, number | null>();
  const empty = id === "orders" || id === "drift_count" ? 0 : (FACT_ORACLE[id]?.([]) ?? null);
  if (by === "day") for (const d of DAYS) out.set(d, empty);
  if (by === null) out.set("all", empty);
  if (id === "orders") {
    const placed = orders.filter((o) => inPeriod(o.createdAt));
    for (const [k, os] of groupBy(placed, (o) => keyOf(by, o, o.createdAt))) out.set(k, os.length);
    return out;
  }
  if (id === "drift_count") {
    const found = DRIFT.filter((d) => inPeriod(d.firstSeenAt));
    for (const [k, ds] of groupBy(found, (d) => (by === "day" ? shanghaiDay(d.firstSeenAt) : "all")))
      out.set(k, new Set(ds.map((d) => `${d.orderNo}|${d.kind}`)).size);
    return out;
  }
  const rows = paidRows(orders, cases).filter((x) => inPeriod(x.o.paidAt!));
  if (by === "sku" || id === "top_skus") {
    const lines = rows.flatMap((x) => x.o.lines.map((l) => ({ x, ...l })));
    for (const [k, ls] of groupBy(lines, (l) => l.sku)) out.set(k, SKU_ORACLE[id]!(ls));
    return out;
  }
  if (id === "channel_share") {
    const total = rows.reduce((s, x) => s + (FACT_ORACLE.paid_amount!([x as Row]) ?? 0), 0);
    for (const [k, rs] of groupBy(rows, (x) => x.o.channel))
      out.set(k, FACT_ORACLE.paid_amount!(rs as Row[])! / total);
    return out;
  }
  const calc = FACT_ORACLE[id];
  if (!calc) throw new Error(`no oracle for metric ${id}: add one to test/facts/oracle.ts`);
  for (const [k, rs] of groupBy(rows, (x) => keyOf(by, x.o, x.o.paidAt!))) out.set(k, calc(rs as Row[]));
  return out;
}

function same(unit: string, got: number | null, want: number | null | undefined, what: string) {
  if (want === null || want === undefined) {
    expect(got, what).toBeNull();
    return;
  }
  expect(got, what).not.toBeNull();
  if (unit === "cents") expect(Math.abs(got! - Math.round(want)), what).toBeLessThanOrEqual(1);
  else if (Number.isInteger(want)) expect(got, what).toBe(want);
  else expect(got!, what).toBeCloseTo(want, 2);
}

const SPLITS: By[] = [null, "channel", "day", "province", "sku"];
// alert_stopped_amount reads the alert centre's table; it is tested on its own.
const TESTED = METRICS.filter((m) => m.id !== "alert_stopped_amount");

describe("every metric equals the figure recomputed from the generated shop", () => {
  it("the generated shop has every story the metrics must tell apart", () => {
    const stories = new Set(orders.map((o) => o.story));
    expect([...stories].sort()).toEqual([
      "cancel_after_pay",
      "cancel_before_pay",
      "delivered",
      "paid",
      "shipped",
      "unpaid",
    ]);
    expect(new Set(orders.map((o) => o.channel)).size).toBe(4);
    expect([...cases.values()].some((c) => c.refund > 0)).toBe(true);
    // Some payments fall just after a Shanghai midnight that is still the previous UTC day.
    expect(
      orders.some((o) => o.paidAt && shanghaiDay(o.paidAt) !== new Date(o.paidAt).toISOString().slice(0, 10)),
    ).toBe(true);
  });

  for (const m of TESTED) {
    it(`${m.id} (${m.zh}) by every split it allows`, async () => {
      const splits = m.forcedBy ? [m.forcedBy] : SPLITS;
      for (const by of splits) {
        const q = `/metrics/${m.id}?from=${DAYS[0]}&to=${DAYS[2]}${by ? `&by=${by}` : ""}`;
        const res = await a.call("GET", q);
        if (by !== null && !dims.get(m.id)!.includes(by)) {
          expect(res.status, JSON.stringify(res.body)).toBe(400);
          continue;
        }
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.caliber).toBe(m.caliber);
        const want = expected(m.id, by ?? null);
        const got = new Map<string, number | null>(
          res.body.rows.map((r: { key: string; value: number | null }) => [r.key, r.value]),
        );
        for (const [k, v] of want) same(m.unit, got.get(k) ?? null, v, `${m.id} by ${by} [${k}]`);
        if (!m.forcedBy)
          same(m.unit, res.body.total, expected(m.id, null).get("all"), `${m.id} by ${by} total`);
        if (m.top) expect(res.body.rows.length).toBeLessThanOrEqual(m.top);
        else expect([...got.keys()].sort(), `${m.id} by ${by} keys`).toEqual([...want.keys()].sort());
      }
    });
  }
});

describe("what never counts as paid", () => {
  it("unpaid and cancelled-before-payment orders have no fact row and move no paid figure", async () => {
    const res = await a.call("GET", `/facts?from=${DAYS[0]}&to=2026-11-29&limit=1000`);
    expect(res.status).toBe(200);
    const inTable = new Set(res.body.rows.map((r: { order_no: string }) => r.order_no));
    for (const o of orders) {
      expect(inTable.has(o.orderNo), `${o.orderNo} (${o.story})`).toBe(o.paidAt !== undefined);
    }
  });

  it("cancelled-after-payment orders count in the cancel rate but add nothing to net sales", async () => {
    const cancelled = orders.filter((o) => o.story === "cancel_after_pay" && inPeriod(o.paidAt!));
    expect(cancelled.length).toBeGreaterThan(0);
    const rate = await a.call("GET", `/metrics/cancel_rate?from=${DAYS[0]}&to=${DAYS[2]}`);
    expect(rate.body.total).toBeGreaterThan(0);
  });

  it("a day is a Shanghai day: an order paid at 00:10 Shanghai falls on that day, not the UTC one before", async () => {
    const late = orders.find(
      (o) =>
        o.paidAt &&
        shanghaiDay(o.paidAt) !== new Date(o.paidAt).toISOString().slice(0, 10) &&
        DAYS.includes(shanghaiDay(o.paidAt)),
    )!;
    const day = shanghaiDay(late.paidAt!);
    const res = await a.call("GET", `/facts?from=${day}&to=${day}&limit=1000`);
    expect(res.body.rows.map((r: { order_no: string }) => r.order_no)).toContain(late.orderNo);
  });
});
