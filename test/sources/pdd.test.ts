import { describe, expect, it } from "vitest";
import { adapters } from "../../src/sources/index.ts";
import { editFixture, expectParseError, fixture, ownPush, parseOne } from "./helpers.ts";

const pdd = adapters.pdd;

describe("pdd order_info", () => {
  it("parses 待发货 (order_status 1) with yuan floats as exact cents", () => {
    const push = ownPush(fixture("pdd-order-status_1_wait_ship.json"));
    const e = parseOne(pdd, push);
    expect(e).toMatchObject({
      source: "pdd",
      kind: "order",
      sourceEventId: "order:261128-503918273645128:2026-11-28 10:15:41",
      orderRef: { orderNo: "261128-503918273645128" },
      eventTime: 1_795_832_141_000,
      rawStatus: "order_status=1;refund_status=1",
      fields: { order_status: 1, refund_status: 1, confirm_status: 1, after_sales_status: 0 },
    });
    expect(e.order).toMatchObject({
      channelOrderId: "261128-503918273645128",
      currency: "CNY",
      lines: [{ sku: "XHJ-BLK-L", qty: 2, unitPrice: 2990 }],
      discounts: [
        { kind: "other", name: "平台优惠", amount: 300 },
        { kind: "other", name: "店铺优惠", amount: 500 },
      ],
      orderAmount: 5980,
      actualPaid: 5180,
      shippingFee: 0,
      address: { province: "广东省", city: "深圳市", district: "南山区", name: "李*", phone: "138****6688" },
    });
    // Receiver fields are ciphertext here: they must not pass for a phone number.
    expect(e.order?.buyer?.phone).toBeUndefined();
    expect(e.order?.address?.detail).toBe("科技园南区高新南七道*****");
    expect(e.shipment).toBeUndefined();
    expect(pdd.deliveryKey([e], push)).toBe(e.sourceEventId);
  });

  it("parses 已发货 with its tracking number", () => {
    const e = parseOne(pdd, ownPush(fixture("pdd-order-status_2_shipped.json")));
    expect(e).toMatchObject({
      orderRef: { orderNo: "261127-271830495612377" },
      eventTime: 1_795_846_926_000,
      rawStatus: "order_status=2;refund_status=1",
      fields: { order_status: 2, refund_status: 1 },
      shipment: { waybillNo: "78498765432109", carrier: "115" },
    });
  });

  it("parses 退款中 (refund_status 3, after_sales_status 4)", () => {
    const e = parseOne(pdd, ownPush(fixture("pdd-order-refund_status_3_refunding.json")));
    expect(e).toMatchObject({
      orderRef: { orderNo: "261128-118374650923841" },
      eventTime: 1_795_837_650_000,
      rawStatus: "order_status=1;refund_status=3",
      fields: { order_status: 1, refund_status: 3, confirm_status: 1, after_sales_status: 4 },
    });
    expect(e.order).toMatchObject({
      actualPaid: 2690,
      orderAmount: 2990,
      discounts: [{ name: "店铺优惠", amount: 300 }],
    });
  });

  it.each([
    [
      "order_status as text",
      '"order_status": 1,',
      '"order_status": "1",',
      "order_info_get_response.order_info.order_status",
    ],
    [
      "no order_sn",
      '"order_sn": "261128-503918273645128",',
      "",
      "order_info_get_response.order_info.order_sn",
    ],
    [
      "a price that is not a number",
      '"goods_price": 29.9',
      '"goods_price": "29.9元"',
      "order_info_get_response.order_info.item_list.0.goods_price",
    ],
    [
      "a negative pay_amount",
      '"pay_amount": 51.8',
      '"pay_amount": -51.8',
      "order_info_get_response.order_info.pay_amount",
    ],
    [
      "an empty updated_at",
      '"updated_at": "2026-11-28 10:15:41"',
      '"updated_at": ""',
      "order_info_get_response.order_info.updated_at",
    ],
    [
      "item_list as a string",
      /"item_list": \[[\s\S]*?\],\n\s*"receiver_name"/,
      '"item_list": "none", "receiver_name"',
      "order_info_get_response.order_info.item_list",
    ],
  ])("rejects an order with %s", (_name, from, to, path) => {
    expectParseError(pdd, ownPush(editFixture("pdd-order-status_1_wait_ship.json", from, to)), path);
  });
});

describe("pdd message frames", () => {
  it("parses pdd_trade_TradeConfirmed with its 19-digit frame id intact", () => {
    const push = ownPush(fixture("pdd-message-trade_confirmed.json"));
    const e = parseOne(pdd, push);
    expect(e).toEqual({
      source: "pdd",
      kind: "message",
      sourceEventId: "7311988123456789012",
      orderRef: { orderNo: "261128-503918273645128" },
      eventTime: 1_795_832_141_512,
      rawStatus: "pdd_trade_TradeConfirmed",
      fields: { type: "pdd_trade_TradeConfirmed" },
    });
    expect(pdd.deliveryKey([e], push)).toBe("7311988123456789012");
  });

  it("parses pdd_refund_RefundCreated with refund_fee as integer fen", () => {
    const e = parseOne(pdd, ownPush(fixture("pdd-message-refund_created.json")));
    expect(e).toMatchObject({
      sourceEventId: "7311988123456789077",
      orderRef: { orderNo: "261128-118374650923841" },
      eventTime: 1_795_837_650_388,
      fields: { type: "pdd_refund_RefundCreated", refund_fee: 2690 },
    });
  });

  it.each(["HeartBeat", "Ack", "Fail"])("yields nothing for a %s frame", (commandType) => {
    const body = `{"id":7311988123456789013,"commandType":"${commandType}","time":1795832141549,"sendTime":1795832141512}`;
    expect(pdd.parse(ownPush(body))).toEqual([]);
  });

  it.each([
    ["an unknown commandType", '"commandType": "Common"', '"commandType": "Weird"', "commandType"],
    [
      "content that is not JSON",
      '\\"tid\\":\\"261128-503918273645128\\"}"',
      '\\"tid\\":"',
      "message.content",
    ],
    ["no tid in content", ',\\"tid\\":\\"261128-503918273645128\\"', "", "message.content.tid"],
    ["sendTime as text", '"sendTime": 1795832141512', '"sendTime": "soon"', "sendTime"],
    ["a message that is a string", /"message": \{[\s\S]*?\n {2}\}/, '"message": "hi"', "message"],
  ])("rejects a frame with %s", (_name, from, to, path) => {
    expectParseError(pdd, ownPush(editFixture("pdd-message-trade_confirmed.json", from, to)), path);
  });

  it("rejects a fractional refund_fee", () => {
    const body = editFixture(
      "pdd-message-refund_created.json",
      '\\"refund_fee\\":2690',
      '\\"refund_fee\\":26.9',
    );
    expectParseError(pdd, ownPush(body), "message.content.refund_fee");
  });

  it("rejects an error response and unknown shapes", () => {
    expectParseError(pdd, ownPush('{"error_response":{"error_code":10019}}'), "error_response");
    expectParseError(pdd, ownPush('{"foo":1}'), "$");
  });
});
