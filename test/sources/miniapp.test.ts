import { describe, expect, it } from "vitest";
import { adapters, canonicalOrderSchema } from "../../src/sources/index.ts";
import { expectParseError, ownPush, parseOne } from "./helpers.ts";

const miniapp = adapters.miniapp;

/** The example of SPEC §5.2 with one value per choice. */
const ORDER = {
  order_no: "M20260118001",
  event_id: "evt-1",
  event_time: "2026-01-18T10:00:00+08:00",
  status: "created",
  buyer: { id: "u1", phone: "13800000000" },
  address: { province: "浙江省", city: "杭州市", district: "西湖区", detail: "文三路1号" },
  lines: [{ sku: "SKU-1", qty: 2, unit_price: 5000, promo_tag: null }],
  shipping_fee: 800,
  shipping_borne_by: "buyer",
  discounts: [{ kind: "full_reduction", amount: 1000, name: "满100减10" }],
};
const body = (over: Record<string, unknown> = {}) => JSON.stringify({ ...ORDER, ...over });

describe("miniapp canonical orders", () => {
  it("parses the SPEC §5.2 example", () => {
    const push = ownPush(body());
    const e = parseOne(miniapp, push);
    expect(e).toEqual({
      source: "miniapp",
      kind: "order",
      sourceEventId: "evt-1",
      orderRef: { orderNo: "M20260118001" },
      eventTime: Date.UTC(2026, 0, 18, 2, 0, 0),
      rawStatus: "created",
      fields: { status: "created" },
      order: {
        channelOrderId: "M20260118001",
        currency: "CNY",
        buyer: { id: "u1", phone: "13800000000" },
        address: { province: "浙江省", city: "杭州市", district: "西湖区", detail: "文三路1号" },
        lines: [
          { sku: "SKU-1", name: undefined, qty: 2, unitPrice: 5000, amount: undefined, promoTag: null },
        ],
        discounts: [{ kind: "full_reduction", name: "满100减10", amount: 1000 }],
        shippingFee: 800,
        shippingBorneBy: "buyer",
        orderAmount: 10000,
        actualPaid: 9800,
      },
    });
    expect(miniapp.deliveryKey([e], push)).toBe("evt-1");
    expect(miniapp.ack).toEqual({ status: 200, contentType: "application/json", body: '{"ok":true}' });
  });

  it.each(["paid", "cancelled"])("carries status %s into fields", (status) => {
    expect(parseOne(miniapp, ownPush(body({ status }))).fields).toEqual({ status });
  });

  it("leaves seller-borne shipping out of what the buyer paid", () => {
    const e = parseOne(miniapp, ownPush(body({ shipping_borne_by: "seller" })));
    expect(e.order?.actualPaid).toBe(9000);
  });

  it.each([
    [
      "a fractional unit price",
      { lines: [{ sku: "SKU-1", qty: 2, unit_price: 50.5 }] },
      "lines.0.unit_price",
    ],
    [
      "a unit price in yuan text",
      { lines: [{ sku: "SKU-1", qty: 2, unit_price: "50.00" }] },
      "lines.0.unit_price",
    ],
    ["a negative shipping fee", { shipping_fee: -1 }, "shipping_fee"],
    [
      "a fractional discount",
      { discounts: [{ kind: "coupon", amount: 99.9, name: "券" }] },
      "discounts.0.amount",
    ],
    [
      "an unknown discount kind",
      { discounts: [{ kind: "cashback", amount: 100, name: "x" }] },
      "discounts.0.kind",
    ],
    ["an unknown status", { status: "shipped" }, "status"],
    ["no lines", { lines: [] }, "lines"],
    ["a zero quantity", { lines: [{ sku: "SKU-1", qty: 0, unit_price: 100 }] }, "lines.0.qty"],
    ["a time without a zone", { event_time: "2026-01-18 10:00:00" }, "event_time"],
    ["no event_id", { event_id: undefined }, "event_id"],
    ["no event_time", { event_time: undefined }, "event_time"],
    ["order_no as a number", { order_no: 12 }, "order_no"],
    [
      "discounts above the goods value",
      { discounts: [{ kind: "coupon", amount: 10001, name: "券" }] },
      "discounts",
    ],
  ])("rejects an order with %s", (_name, over, path) => {
    expectParseError(miniapp, ownPush(body(over)), path);
  });

  it("rejects an unsafe integer amount that arrived as a lossless string", () => {
    const text = body().replace('"unit_price":5000', '"unit_price":90071992547409930');
    expectParseError(miniapp, ownPush(text), "lines.0.unit_price");
  });

  it("exports the schema for POST /api/v1/orders, where event id and time are optional", () => {
    const { event_id: _id, event_time: _time, ...apiBody } = ORDER;
    const parsed = canonicalOrderSchema.parse(apiBody);
    expect(parsed).toMatchObject({ order_no: "M20260118001", currency: "CNY", shipping_borne_by: "buyer" });
  });
});
