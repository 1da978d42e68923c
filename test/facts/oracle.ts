/**
 * Every metric recomputed from the generated model alone, with plain JavaScript over the model's
 * orders: no SQL, no fact table, no code from src/facts. The metric tests compare these with
 * anchorbot's answers.
 */
import type { CaseOutcome } from "./load.ts";
import {
  actualPaidOf,
  discountOf,
  EMPTY_SKU,
  goodsOf,
  H,
  type ModelOrder,
  shanghaiDay,
  shippingIncomeOf,
} from "./model.ts";

export type By = "channel" | "province" | "day" | "sku" | null;

export interface Row {
  o: ModelOrder;
  key: string;
  buyerKey: string;
  first: boolean;
  cancelled: boolean;
  refund: number;
  refundShipping: number;
  refunded: boolean;
  returned: boolean;
  resolved: boolean;
  handleMs: number;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const distinct = <T>(xs: T[]) => new Set(xs).size;

/** The paid orders (one row each) with what the fact table should know about them. */
export function paidRows(orders: ModelOrder[], cases: Map<string, CaseOutcome>): Omit<Row, "key">[] {
  const paid = orders.filter((o) => o.paidAt !== undefined);
  const buyerKey = (o: ModelOrder) => `${o.channel}:${o.buyer}`;
  const firstOf = new Map<string, ModelOrder>();
  for (const o of paid) {
    const cur = firstOf.get(buyerKey(o));
    if (!cur || o.paidAt! < cur.paidAt! || (o.paidAt === cur.paidAt && o.orderNo < cur.orderNo))
      firstOf.set(buyerKey(o), o);
  }
  return paid.map((o) => {
    const c = cases.get(o.orderNo);
    const a = o.aftersale;
    const resolved = !!a && (a.decide === "reject" || a.kind === "refund_only");
    return {
      o,
      buyerKey: buyerKey(o),
      first: firstOf.get(buyerKey(o)) === o,
      cancelled: o.story === "cancel_after_pay",
      refund: c?.refund ?? 0,
      refundShipping: c?.refundShipping ?? 0,
      refunded: !!a && a.decide === "approve",
      returned: !!a && a.kind === "return_refund" && a.decide === "approve",
      resolved,
      handleMs: resolved ? a!.hours * H : 0,
    };
  });
}

type Calc = (rows: Row[]) => number | null;

const avg = (xs: number[]) => (xs.length ? sum(xs) / xs.length : null);

/** Per-group computations over fact rows; the keys are the metric ids. */
export const FACT_ORACLE: Record<string, Calc> = {
  gmv: (r) => sum(r.map((x) => goodsOf(x.o))),
  paid_amount: (r) => sum(r.map((x) => actualPaidOf(x.o))),
  sales: (r) => sum(r.map((x) => actualPaidOf(x.o) - shippingIncomeOf(x.o))),
  net_sales: (r) =>
    sum(
      r.map((x) =>
        x.cancelled ? 0 : actualPaidOf(x.o) - shippingIncomeOf(x.o) - (x.refund - x.refundShipping),
      ),
    ),
  paid_orders: (r) => r.length,
  buyers: (r) => distinct(r.map((x) => x.buyerKey)),
  new_buyers: (r) => distinct(r.filter((x) => x.first).map((x) => x.buyerKey)),
  returning_buyers: (r) =>
    distinct(r.map((x) => x.buyerKey)) - distinct(r.filter((x) => x.first).map((x) => x.buyerKey)),
  repeat_rate: (r) => {
    const n = new Map<string, number>();
    for (const x of r) n.set(x.buyerKey, (n.get(x.buyerKey) ?? 0) + 1);
    return ratio([...n.values()].filter((c) => c >= 2).length, n.size);
  },
  aov: (r) => ratio(sum(r.map((x) => actualPaidOf(x.o))), distinct(r.map((x) => x.buyerKey))),
  avg_order_value: (r) => ratio(sum(r.map((x) => actualPaidOf(x.o))), r.length),
  units: (r) => sum(r.map((x) => sum(x.o.lines.map((l) => l.qty)))),
  units_per_order: (r) => ratio(sum(r.map((x) => sum(x.o.lines.map((l) => l.qty)))), r.length),
  discount_amount: (r) => sum(r.map((x) => discountOf(x.o))),
  discount_rate: (r) => ratio(sum(r.map((x) => discountOf(x.o))), sum(r.map((x) => goodsOf(x.o)))),
  shipping_income: (r) => sum(r.map((x) => shippingIncomeOf(x.o))),
  refund_amount: (r) => sum(r.map((x) => x.refund)),
  refund_rate: (r) => ratio(r.filter((x) => x.refunded).length, r.length),
  return_rate: (r) =>
    ratio(
      r.filter((x) => x.o.aftersale?.kind === "return_refund" && x.o.aftersale.decide === "approve").length,
      r.length,
    ),
  cancel_rate: (r) => ratio(r.filter((x) => x.cancelled).length, r.length),
  aftersale_count: (r) => r.filter((x) => x.o.aftersale).length,
  aftersale_hours: (r) => {
    const done = r.filter((x) => x.resolved);
    return done.length ? sum(done.map((x) => x.handleMs)) / done.length / H : null;
  },
  ship_24h_rate: (r) =>
    ratio(
      r.filter((x) => x.o.shippedAt !== undefined && x.o.shippedAt - x.o.paidAt! <= 24 * H).length,
      r.filter((x) => !x.cancelled || x.o.shippedAt !== undefined).length,
    ),
  // Picked up = the carrier's first scan: its pickup, or else its first later scan (signed).
  pickup_48h_rate: (r) =>
    ratio(
      r.filter((x) => {
        const first = x.o.pickedUpAt ?? x.o.signedAt;
        return first !== undefined && first - x.o.shippedAt! <= 48 * H;
      }).length,
      r.filter((x) => x.o.shippedAt !== undefined).length,
    ),
  fulfil_hours: (r) => {
    const v = avg(r.filter((x) => x.o.shippedAt !== undefined).map((x) => x.o.shippedAt! - x.o.paidAt!));
    return v === null ? null : v / H;
  },
  delivery_hours: (r) => {
    const v = avg(r.filter((x) => x.o.signedAt !== undefined).map((x) => x.o.signedAt! - x.o.shippedAt!));
    return v === null ? null : v / H;
  },
  oversell_count: (r) =>
    r.filter((x) => x.o.channel === "miniapp" && x.o.lines.some((l) => l.sku === EMPTY_SKU)).length,
};

/** Line-level figures for the SKU split. */
export const SKU_ORACLE: Record<
  string,
  (lines: { x: Omit<Row, "key">; sku: string; qty: number; unitPrice: number }[]) => number
> = {
  gmv: (ls) => sum(ls.map((l) => l.qty * l.unitPrice)),
  units: (ls) => sum(ls.map((l) => l.qty)),
  top_skus: (ls) => sum(ls.map((l) => l.qty)),
  paid_orders: (ls) => distinct(ls.map((l) => l.x.o.orderNo)),
  buyers: (ls) => distinct(ls.map((l) => l.x.buyerKey)),
};

export function keyOf(by: By, o: ModelOrder, at: number): string {
  if (by === "channel") return o.channel;
  if (by === "province") return o.province;
  if (by === "day") return shanghaiDay(at);
  return "all";
}

export function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
