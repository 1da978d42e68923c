/**
 * A generated shop: orders on four channels with every story the fact table must tell apart
 * (unpaid, cancelled before and after payment, paid, shipped, delivered, partly refunded,
 * returned, oversold), plus the events that tell it. The metric tests recompute every figure
 * from this model alone and compare with what anchorbot answers.
 */
import type { CanonicalEvent } from "../../src/sources/types.ts";

export const H = 3_600_000;
/** 2026-11-26 00:00 in Shanghai. */
export const START = Date.parse("2026-11-25T16:00:00Z");
export const DAYS = ["2026-11-26", "2026-11-27", "2026-11-28"];
/** An independent Shanghai day: UTC+8 all year, no DST. */
export const shanghaiDay = (ms: number) => new Date(ms + 8 * H).toISOString().slice(0, 10);

export type Channel = "miniapp" | "taobao" | "pdd" | "shopee";
export type Story = "unpaid" | "cancel_before_pay" | "paid" | "cancel_after_pay" | "shipped" | "delivered";

export interface ModelLine {
  sku: string;
  qty: number;
  unitPrice: number;
}

export interface ModelOrder {
  orderNo: string;
  channel: Channel;
  story: Story;
  buyer: string;
  province: string;
  lines: ModelLine[];
  discounts: { kind: "full_reduction" | "coupon" | "points" | "other"; amount: number }[];
  shippingFee: number;
  borneBy: "buyer" | "seller";
  createdAt: number;
  paidAt?: number;
  /** miniapp only: paid through a payment callback rather than a `paid` status. */
  viaPayment: boolean;
  shippedAt?: number;
  pickedUpAt?: number;
  signedAt?: number;
  cancelledAt?: number;
  /** After-sales asked for on this order (opened through the API after the events). */
  aftersale?: { kind: "refund_only" | "return_refund"; decide: "approve" | "reject"; hours: number };
}

/** mulberry32: small, seeded, good enough to pick stories. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  return { next, int, pick };
}

export const SKUS = ["SKU-A", "SKU-B", "SKU-C", "SKU-D"];
/** A SKU with no stock: miniapp orders of it are oversold at intake. */
export const EMPTY_SKU = "SKU-ZERO";
const PROVINCES = ["浙江省", "广东省", "四川省"];
const CHANNELS: Channel[] = ["miniapp", "taobao", "pdd", "shopee"];
const STORIES: Story[] = ["unpaid", "cancel_before_pay", "paid", "cancel_after_pay", "shipped", "delivered"];

export function generateShop(seed: number, n: number): ModelOrder[] {
  const r = rng(seed);
  const out: ModelOrder[] = [];
  for (let i = 0; i < n; i++) {
    const channel = r.pick(CHANNELS);
    // Pinduoduo only ever reports orders once they are paid.
    let story = r.pick(STORIES);
    if (channel === "pdd" && (story === "unpaid" || story === "cancel_before_pay")) story = "paid";
    const lines = Array.from({ length: r.int(1, 3) }, () => ({
      sku: channel === "miniapp" && r.next() < 0.08 ? EMPTY_SKU : r.pick(SKUS),
      qty: r.int(1, 3),
      unitPrice: r.int(5, 300) * 100 + r.pick([0, 50, 99]),
    }));
    const goods = lines.reduce((s, l) => s + l.qty * l.unitPrice, 0);
    const discounts =
      r.next() < 0.5
        ? [
            {
              kind: r.pick(["full_reduction", "coupon", "points", "other"] as const),
              amount: r.int(1, Math.floor(goods / 300)),
            },
          ]
        : [];
    // Orders land on all three days, many within minutes of a Shanghai midnight (UTC 16:00).
    const createdAt =
      START + r.int(0, 2) * 24 * H + (r.next() < 0.4 ? 24 * H - r.int(1, 40) * 60_000 : r.int(0, 23) * H);
    const paid = story !== "unpaid" && story !== "cancel_before_pay";
    const paidAt = paid ? createdAt + r.int(1, 50) * 60_000 : undefined;
    const o: ModelOrder = {
      orderNo: `F${seed}-${i}`,
      channel,
      story,
      buyer: `b${r.int(1, Math.max(2, Math.floor(n / 3)))}`,
      province: r.pick(PROVINCES),
      lines,
      discounts,
      shippingFee: r.pick([0, 600, 1000]),
      borneBy: r.next() < 0.7 ? "buyer" : "seller",
      createdAt,
      paidAt,
      viaPayment: channel === "miniapp" && r.next() < 0.5,
    };
    if (story === "cancel_before_pay") o.cancelledAt = createdAt + r.int(1, 30) * 60_000;
    if (story === "cancel_after_pay") o.cancelledAt = paidAt! + r.int(1, 5) * H;
    if (story === "shipped" || story === "delivered") {
      o.shippedAt = paidAt! + r.int(1, 40) * H;
      if (r.next() < 0.85) o.pickedUpAt = o.shippedAt + r.int(1, 70) * H;
      if (story === "delivered") o.signedAt = (o.pickedUpAt ?? o.shippedAt) + r.int(5, 60) * H;
    }
    if (paid && story !== "cancel_after_pay" && r.next() < 0.35)
      o.aftersale = {
        kind: o.shippedAt && r.next() < 0.5 ? "return_refund" : "refund_only",
        decide: r.next() < 0.75 ? "approve" : "reject",
        hours: r.int(1, 90),
      };
    out.push(o);
  }
  return out;
}

export const goodsOf = (o: ModelOrder) => o.lines.reduce((s, l) => s + l.qty * l.unitPrice, 0);
export const discountOf = (o: ModelOrder) => o.discounts.reduce((s, d) => s + d.amount, 0);
export const shippingIncomeOf = (o: ModelOrder) => (o.borneBy === "buyer" ? o.shippingFee : 0);
export const actualPaidOf = (o: ModelOrder) => goodsOf(o) - discountOf(o) + shippingIncomeOf(o);

function snapshot(o: ModelOrder, withPaidAt: boolean): NonNullable<CanonicalEvent["order"]> {
  return {
    currency: "CNY",
    buyer: { id: o.buyer, phone: `139${o.buyer.padStart(8, "0")}` },
    address: { province: o.province, city: "某市", detail: "某路1号" },
    lines: o.lines.map((l) => ({ sku: l.sku, qty: l.qty, unitPrice: l.unitPrice })),
    discounts: o.discounts.map((d) => ({ ...d, name: d.kind })),
    shippingFee: o.shippingFee,
    shippingBorneBy: o.borneBy,
    orderAmount: goodsOf(o),
    // Our own storefront leaves actual_paid to be derived; channels say what was paid.
    ...(o.channel === "miniapp" ? {} : { actualPaid: actualPaidOf(o) }),
    createdAt: o.createdAt,
    ...(withPaidAt && o.paidAt ? { paidAt: o.paidAt } : {}),
  } as NonNullable<CanonicalEvent["order"]>;
}

/** Each channel's own words for the three moments; shipping and delivery come from the WMS and carrier. */
const STATUS: Record<Channel, Record<"created" | "paid" | "cancelled", CanonicalEvent["fields"]>> = {
  miniapp: { created: { status: "created" }, paid: { status: "paid" }, cancelled: { status: "cancelled" } },
  taobao: {
    created: { status: "WAIT_BUYER_PAY" },
    paid: { status: "WAIT_SELLER_SEND_GOODS" },
    cancelled: { status: "TRADE_CLOSED_BY_TAOBAO" },
  },
  pdd: {
    created: { order_status: 1, refund_status: 1, confirm_status: 1 },
    paid: { order_status: 1, refund_status: 1, confirm_status: 1 },
    cancelled: { order_status: 1, refund_status: 1, confirm_status: 2 },
  },
  shopee: {
    created: { order_status: "UNPAID" },
    paid: { order_status: "READY_TO_SHIP" },
    cancelled: { order_status: "CANCELLED" },
  },
};

/** The order's source events, each with its own event time (any arrival order gives the same facts). */
export function eventsOf(o: ModelOrder): CanonicalEvent[] {
  const ev: CanonicalEvent[] = [];
  let n = 0;
  const push = (e: Omit<CanonicalEvent, "sourceEventId" | "kind" | "rawStatus">) =>
    ev.push({
      ...e,
      kind: "test",
      sourceEventId: `${o.orderNo}-${++n}`,
      rawStatus: JSON.stringify(e.fields),
    });
  const channelEvent = (s: keyof (typeof STATUS)["miniapp"], at: number, paidAt: boolean) =>
    push({
      source: o.channel,
      orderRef: { orderNo: o.orderNo },
      eventTime: at,
      fields: STATUS[o.channel][s],
      order: snapshot(o, paidAt),
    });
  if (o.channel !== "pdd") channelEvent("created", o.createdAt, false);
  if (o.paidAt !== undefined) {
    if (o.viaPayment)
      push({
        source: "payment",
        orderRef: { orderNo: o.orderNo },
        eventTime: o.paidAt,
        fields: { status: "paid", amount: actualPaidOf(o) },
      });
    else channelEvent("paid", o.paidAt, true);
  }
  if (o.cancelledAt !== undefined)
    channelEvent("cancelled", o.cancelledAt, o.paidAt !== undefined && !o.viaPayment);
  if (o.shippedAt !== undefined) {
    const wb = `WB${o.orderNo.replace(/\D/g, "")}`;
    push({
      source: "wms",
      orderRef: { orderNo: o.orderNo },
      eventTime: o.shippedAt,
      fields: {
        packaged_time: Math.floor(o.shippedAt / 1000) - 60,
        logistics_no: wb,
        outbound_time: Math.floor(o.shippedAt / 1000),
        status: null,
      },
      shipment: { waybillNo: wb, carrier: "zto" },
    });
    if (o.pickedUpAt !== undefined)
      push({
        source: "logistics",
        orderRef: { orderNo: o.orderNo },
        eventTime: o.pickedUpAt,
        fields: { state: "1", ischeck: "0" },
        shipment: {
          waybillNo: wb,
          state: "1",
          pickedUpAt: o.pickedUpAt,
          lastNode: { text: "已揽收", at: o.pickedUpAt },
        },
      });
    if (o.signedAt !== undefined)
      push({
        source: "logistics",
        orderRef: { orderNo: o.orderNo },
        eventTime: o.signedAt,
        fields: { state: "3", ischeck: "1" },
        shipment: {
          waybillNo: wb,
          state: "3",
          signedAt: o.signedAt,
          lastNode: { text: "已签收", at: o.signedAt },
        },
      });
  }
  return ev;
}
