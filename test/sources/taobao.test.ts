import { describe, expect, it } from "vitest";
import { adapters } from "../../src/sources/index.ts";
import { editFixture, expectParseError, fixture, ownPush, parseOne } from "./helpers.ts";

const taobao = adapters.taobao;

describe("taobao TMC messages", () => {
  it.each([
    [
      "taobao-tmc-trade_create.json",
      "7301234567890123001",
      "4187652309987654321",
      1_795_830_088_000,
      "TradeCreate",
      "WAIT_BUYER_PAY",
    ],
    [
      "taobao-tmc-trade_buyer_pay.json",
      "7301234567890123002",
      "4187652309987654321",
      1_795_830_119_000,
      "TradeBuyerPay",
      null,
    ],
    [
      "taobao-tmc-trade_seller_ship.json",
      "7301234567890123003",
      "4187652309955501234",
      1_795_854_913_000,
      "TradeSellerShip",
      "WAIT_BUYER_CONFIRM_GOODS",
    ],
    [
      "taobao-tmc-trade_success.json",
      "7301234567890123004",
      "4187652309955501234",
      1_796_439_767_000,
      "TradeSuccess",
      "TRADE_FINISHED",
    ],
    [
      "taobao-tmc-trade_close.json",
      "7301234567890123005",
      "4187652309900112233",
      1_795_839_642_000,
      "TradeClose",
      "TRADE_CLOSED",
    ],
  ])("parses %s losslessly", (file, id, tid, eventTime, topic, status) => {
    const e = parseOne(taobao, ownPush(fixture(file)));
    expect(e).toMatchObject({
      source: "taobao",
      kind: "tmc",
      sourceEventId: id,
      orderRef: { orderNo: tid },
      eventTime,
      rawStatus: status ?? `taobao_trade_${topic}`,
      fields: { topic, status },
    });
  });

  it("reads pub_time 2026-11-28 09:41:59 China time as 01:41:59 UTC", () => {
    const e = parseOne(taobao, ownPush(fixture("taobao-tmc-trade_buyer_pay.json")));
    expect(new Date(e.eventTime).toISOString()).toBe("2026-11-28T01:41:59.000Z");
  });

  it("turns a consume response with several messages into several events keyed together", () => {
    const one = (id: string, tid: string) =>
      `{"id":${id},"topic":"taobao_trade_TradeBuyerPay","pub_time":"2026-11-28 09:41:59","content":"{\\"tid\\":${tid}}"}`;
    const body = `{"tmc_messages_consume_response":{"messages":{"tmc_message":[${one("7301234567890123002", "4187652309987654321")},${one("7301234567890123009", "4187652309912345678")}]}}}`;
    const push = ownPush(body);
    const events = taobao.parse(push);
    expect(events.map((e) => [e.sourceEventId, e.orderRef.orderNo])).toEqual([
      ["7301234567890123002", "4187652309987654321"],
      ["7301234567890123009", "4187652309912345678"],
    ]);
    expect(taobao.deliveryKey(events, push)).toBe("7301234567890123002,7301234567890123009");
  });

  it("yields nothing for an empty poll", () => {
    expect(taobao.parse(ownPush('{"tmc_messages_consume_response":{"messages":{}}}'))).toEqual([]);
    expect(taobao.parse(ownPush('{"tmc_messages_consume_response":{}}'))).toEqual([]);
  });

  it("accepts a bare TMC message object", () => {
    const body = editFixture("taobao-tmc-trade_close.json", /^[\s\S]*"tmc_message": \[\s*/, "").replace(
      /\s*\]\s*\}\s*\}\s*\}\s*$/,
      "",
    );
    const push = ownPush(body);
    const e = parseOne(taobao, push);
    expect(e).toMatchObject({
      kind: "tmc",
      sourceEventId: "7301234567890123005",
      orderRef: { orderNo: "4187652309900112233" },
    });
    expect(taobao.deliveryKey([e], push)).toBe("7301234567890123005");
  });

  it("keeps other topics whole", () => {
    const body = `{"id":1,"topic":"taobao_refund_RefundSuccess","pub_time":"2026-11-28 09:41:59","content":"{\\"tid\\":4187652309900112233}"}`;
    expect(parseOne(taobao, ownPush(body)).fields).toEqual({
      topic: "taobao_refund_RefundSuccess",
      status: null,
    });
  });

  it.each([
    ["content that is not JSON", '\\"status\\":\\"TRADE_CLOSED\\"}"', '\\"status\\":"', /content/],
    ["a missing tid", /\\"tid\\":\d+,/, "", /content\.tid/],
    ["a bad pub_time", '"pub_time": "2026-11-28 12:20:42"', '"pub_time": "yesterday"', /pub_time/],
    ["a numeric topic", '"topic": "taobao_trade_TradeClose"', '"topic": 5', /topic/],
  ])("rejects a message with %s", (_name, from, to, path) => {
    const body = editFixture("taobao-tmc-trade_close.json", from, to);
    expectParseError(taobao, ownPush(body), path);
  });

  it("rejects tmc_message of the wrong type", () => {
    expectParseError(taobao, ownPush('{"tmc_messages_consume_response":{"messages":{"tmc_message":"x"}}}'));
    expectParseError(taobao, ownPush('{"tmc_messages_consume_response":{"messages":{"tmc_message":[42]}}}'));
  });
});

describe("taobao fullinfo trades", () => {
  it("parses an unpaid single-order trade with post fee and a coupon", () => {
    const push = ownPush(fixture("taobao-trade-wait_buyer_pay.json"));
    const e = parseOne(taobao, push);
    expect(e).toMatchObject({
      kind: "trade",
      sourceEventId: "trade:4187652309912345678:2026-11-28 10:12:05",
      orderRef: { orderNo: "4187652309912345678" },
      eventTime: 1_795_831_925_000,
      rawStatus: "WAIT_BUYER_PAY",
      fields: { status: "WAIT_BUYER_PAY", refund_state: "none" },
    });
    expect(e.order).toMatchObject({
      channelOrderId: "4187652309912345678",
      currency: "CNY",
      buyer: { id: "AAEBdM3qAAbZx8Hs1tKq0QYp", nick: "t**8", phone: "13857126688" },
      address: {
        name: "王小明",
        province: "浙江省",
        city: "杭州市",
        district: "西湖区",
        detail: "文三路478号华星时代广场A座1203室",
      },
      // payment 117.00 includes the 8.00 post fee on a single-order trade.
      lines: [{ sku: "YQ-EB-PRO2-WHT", qty: 1, unitPrice: 12900, amount: 10900, promoTag: "店铺优惠券" }],
      discounts: [{ kind: "coupon", name: "店铺优惠券", amount: 2000 }],
      shippingFee: 800,
      shippingBorneBy: "buyer",
      orderAmount: 12900,
      actualPaid: 11700,
      createdAt: 1_795_831_923_000,
      paidAt: undefined,
    });
    expect(e.shipment).toBeUndefined();
    expect(taobao.deliveryKey([e], push)).toBe("trade:4187652309912345678:2026-11-28 10:12:05");
  });

  it("parses a paid two-line trade: 158.00 paid of 168.00 after a 10.00 coupon", () => {
    const e = parseOne(taobao, ownPush(fixture("taobao-trade-wait_seller_send_goods.json")));
    expect(e).toMatchObject({
      orderRef: { orderNo: "4187652309987654321" },
      eventTime: 1_795_830_120_000,
      fields: { status: "WAIT_SELLER_SEND_GOODS", refund_state: "none" },
    });
    expect(e.order?.lines).toEqual([
      {
        sku: "YQ-EB-PRO2-BLK",
        name: "云栖 Pro2 主动降噪蓝牙耳机 无线入耳式",
        qty: 1,
        unitPrice: 8900,
        amount: 7900,
        promoTag: "店铺优惠券",
      },
      {
        sku: "YQ-CBL-C60-1M",
        name: "云栖 USB-C 快充数据线 60W 编织线",
        qty: 2,
        unitPrice: 3950,
        amount: 7900,
        promoTag: null,
      },
    ]);
    expect(e.order).toMatchObject({
      actualPaid: 15800,
      orderAmount: 16800,
      shippingFee: 0,
      shippingBorneBy: "seller",
      paidAt: 1_795_830_118_000,
    });
  });

  it("reports the waybill of a shipped trade", () => {
    const e = parseOne(taobao, ownPush(fixture("taobao-trade-wait_buyer_confirm_goods.json")));
    expect(e.fields).toEqual({ status: "WAIT_BUYER_CONFIRM_GOODS", refund_state: "none" });
    expect(e.eventTime).toBe(1_795_854_913_000);
    expect(e.shipment).toEqual({ waybillNo: "78498765432109", carrier: "中通快递" });
  });

  it("says refund_state success when every sub-order is refunded", () => {
    const e = parseOne(taobao, ownPush(fixture("taobao-trade-trade_closed.json")));
    expect(e).toMatchObject({
      orderRef: { orderNo: "4187652309900112233" },
      eventTime: 1_795_839_641_000,
      rawStatus: "TRADE_CLOSED",
      fields: { status: "TRADE_CLOSED", refund_state: "success" },
    });
    expect(e.order?.lines[0]).toMatchObject({ sku: "YQ-CASE-P2-CLR", amount: 5990 });
  });

  it("says refund_state open while a refund waits for the seller", () => {
    const body = editFixture(
      "taobao-trade-wait_seller_send_goods.json",
      '"refund_status": "NO_REFUND"',
      '"refund_status": "WAIT_SELLER_AGREE"',
    );
    expect(parseOne(taobao, ownPush(body)).fields.refund_state).toBe("open");
  });

  it("falls back to the lossless tid when tid_str is absent", () => {
    const body = editFixture("taobao-trade-wait_buyer_pay.json", /"tid_str": "\d+",/, "");
    expect(parseOne(taobao, ownPush(body)).orderRef.orderNo).toBe("4187652309912345678");
  });

  it.each([
    [
      "a missing status",
      /"status": "WAIT_BUYER_PAY",\n\s*"seller_nick"/,
      '"seller_nick"',
      "trade_fullinfo_get_response.trade.status",
    ],
    [
      "a money value with sub-cent digits",
      '"payment": "117.00",\n      "received_payment"',
      '"payment": "117.005",\n      "received_payment"',
      "trade_fullinfo_get_response.trade.payment",
    ],
    [
      "a price that is not money",
      '"price": "129.00",\n            "total_fee"',
      '"price": "free",\n            "total_fee"',
      "trade_fullinfo_get_response.trade.orders.order.0.price",
    ],
    [
      "a quantity given as text",
      '"num": 1,\n            "price"',
      '"num": "1",\n            "price"',
      "trade_fullinfo_get_response.trade.orders.order.0.num",
    ],
    [
      "a modified time in another format",
      '"modified": "2026-11-28 10:12:05"',
      '"modified": "2026-11-28T10:12:05"',
      "trade_fullinfo_get_response.trade.modified",
    ],
    [
      "orders that are not a list",
      /"orders": \{[\s\S]*?\n {6}\},\n {6}"promotion_details"/,
      '"orders": {"order": 7}, "promotion_details"',
      "trade_fullinfo_get_response.trade.orders.order",
    ],
  ])("rejects a trade with %s", (_name, from, to, path) => {
    expectParseError(taobao, ownPush(editFixture("taobao-trade-wait_buyer_pay.json", from, to)), path);
  });

  it("rejects a Taobao error response and unknown shapes", () => {
    expectParseError(
      taobao,
      ownPush('{"error_response":{"code":27,"msg":"Invalid session"}}'),
      "error_response",
    );
    expectParseError(taobao, ownPush('{"hello":"world"}'), "$");
    expectParseError(taobao, ownPush("[1,2]"), "$");
  });
});
