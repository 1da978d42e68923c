import { describe, expect, it } from "vitest";
import { loadRules } from "../../src/anchors/rules.ts";
import type { SourceName } from "../../src/sources/types.ts";

const rules = loadRules();
const anchorOf = (source: SourceName, fields: Record<string, unknown>) =>
  rules.evaluate(source, fields).find((e) => e.anchor)?.anchor ?? null;
const known = (source: SourceName, fields: Record<string, unknown>) =>
  rules.evaluate(source, fields).length > 0;

// Every status SPEC §2.1 lists, with the anchor a person in operations would expect.
const CASES: Array<[SourceName, Record<string, unknown>, string | null]> = [
  ["taobao", { status: "WAIT_BUYER_PAY" }, "created"],
  ["taobao", { status: "WAIT_SELLER_SEND_GOODS" }, "paid"],
  ["taobao", { status: "SELLER_CONSIGNED_PART" }, "shipped_at_warehouse"],
  ["taobao", { status: "WAIT_BUYER_CONFIRM_GOODS" }, "shipped_at_warehouse"],
  ["taobao", { status: "TRADE_BUYER_SIGNED" }, "delivered"],
  ["taobao", { status: "TRADE_FINISHED" }, "completed"],
  ["taobao", { status: "TRADE_CLOSED", refund_state: "success" }, "refunded"],
  ["taobao", { status: "TRADE_CLOSED", refund_state: "none" }, "closed"],
  ["taobao", { status: "TRADE_CLOSED_BY_TAOBAO" }, "cancelled"],
  ["taobao", { topic: "TradeBuyerPay", status: null }, "paid"],
  ["pdd", { order_status: 1, refund_status: 1, confirm_status: 1 }, "paid"],
  ["pdd", { order_status: 2, refund_status: 1, confirm_status: 1 }, "shipped_at_warehouse"],
  ["pdd", { order_status: 3, refund_status: 1, confirm_status: 1 }, "delivered"],
  ["pdd", { order_status: 2, refund_status: 4, confirm_status: 1 }, "shipped_at_warehouse"],
  ["pdd", { type: "pdd_trade_TradeConfirmed" }, "paid"],
  ["shopee", { order_status: "UNPAID" }, "created"],
  ["shopee", { order_status: "READY_TO_SHIP" }, "paid"],
  ["shopee", { order_status: "PROCESSED" }, "packed"],
  ["shopee", { order_status: "SHIPPED" }, "in_transit"],
  ["shopee", { order_status: "TO_CONFIRM_RECEIVE" }, "delivered"],
  ["shopee", { order_status: "COMPLETED" }, "completed"],
  ["shopee", { order_status: "IN_CANCEL" }, null],
  ["shopee", { order_status: "CANCELLED" }, "cancelled"],
  ["shopee", { order_status: "TO_RETURN" }, null],
  ["shopee", { order_status: "INVOICE_PENDING" }, "paid"],
  ["miniapp", { status: "created" }, "created"],
  ["miniapp", { status: "paid" }, "paid"],
  ["miniapp", { status: "cancelled" }, "cancelled"],
  ["payment", { status: "paid" }, "paid"],
  ["logistics", { state: "0" }, "in_transit"],
  ["logistics", { state: "1" }, "in_transit"],
  ["logistics", { state: "2" }, null],
  ["logistics", { state: "3" }, "delivered"],
  ["logistics", { state: "4" }, null],
  ["logistics", { state: "5" }, "in_transit"],
  ["logistics", { state: "6" }, null],
  ["logistics", { state: "14" }, null],
];

describe("anchor rules", () => {
  it.each(CASES)("%s %j → %s", (source, fields, anchor) => {
    expect(known(source, fields)).toBe(true);
    expect(anchorOf(source, fields)).toBe(anchor);
  });

  it("opens after-sale for refunds in progress, returns and refused deliveries", () => {
    for (const [source, fields] of [
      ["pdd", { refund_status: 2 }],
      ["pdd", { refund_status: 3 }],
      ["shopee", { order_status: "TO_RETURN" }],
      ["logistics", { state: "6" }],
      ["logistics", { state: "14" }],
      ["taobao", { status: "WAIT_BUYER_CONFIRM_GOODS", refund_state: "open" }],
    ] as const) {
      expect(
        rules.evaluate(source, fields).some((e) => e.afterSale === "open"),
        `${source} ${JSON.stringify(fields)}`,
      ).toBe(true);
    }
  });

  it("maps the WMS rule packaged_time > 0 AND logistics_no != '' to shipped_at_warehouse", () => {
    expect(anchorOf("wms", { packaged_time: 1795840000, logistics_no: "ZT1", status: null })).toBe(
      "shipped_at_warehouse",
    );
    expect(anchorOf("wms", { packaged_time: 1795840000, logistics_no: "", status: null })).toBe("packed");
    expect(anchorOf("wms", { packaged_time: 0, logistics_no: "", status: null })).toBe("allocated");
    expect(anchorOf("wms", { packaged_time: 0, logistics_no: "ZT1", status: "DELIVERED" })).toBe(
      "shipped_at_warehouse",
    );
  });

  it("knows nothing of statuses outside the vocabularies", () => {
    expect(known("shopee", { order_status: "LOST_IN_SPACE" })).toBe(false);
    expect(known("taobao", { status: "SOMETHING_NEW" })).toBe(false);
    expect(known("logistics", { state: "99" })).toBe(false);
  });

  it("refuses a rules file with an unknown anchor or a duplicate id", () => {
    const base = { id: "x", source: "miniapp", group: "g", when: { "==": [1, 1] }, note: "" };
    expect(() => loadRules({ rules: [{ ...base, anchor: "teleported" }] })).toThrow();
    expect(() => loadRules({ rules: [base, base] })).toThrow(/duplicate/);
  });
});
