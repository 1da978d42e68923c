import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { adapters } from "../../src/sources/index.ts";
import { ctx, editFixture, expectParseError, fixture, fixtureJson, parseOne, rawPush } from "./helpers.ts";

const shopee = adapters.shopee;

interface Vector {
  callback_url: string;
  partner_key: string;
  cases: { fixture: string; raw_body: string; authorization: string }[];
  negative_case: { raw_body: string; authorization: string };
}
const vector = fixtureJson<Vector>("shopee-push-signature-vector.json");
const shopeeCtx = (over = {}) =>
  ctx({ secret: vector.partner_key, callbackUrl: vector.callback_url, ...over });

describe("shopee push signature", () => {
  it.each(vector.cases)("verifies the vector for $fixture", ({ raw_body, authorization }) => {
    const push = rawPush(raw_body, { authorization }, "http://10.0.0.7:8787/webhooks/shopee");
    expect(shopee.verify(push, shopeeCtx())).toEqual({ ok: true });
  });

  it("falls back to the request URL when no callback URL is configured", () => {
    const { raw_body, authorization } = vector.cases[0]!;
    const push = rawPush(raw_body, { authorization }, vector.callback_url);
    expect(shopee.verify(push, ctx({ secret: vector.partner_key }))).toEqual({ ok: true });
  });

  it("rejects the tampered-body negative case", () => {
    const { raw_body, authorization } = vector.negative_case;
    expect(shopee.verify(rawPush(raw_body, { authorization }), shopeeCtx())).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("rejects a signature over a different callback URL", () => {
    const { raw_body, authorization } = vector.cases[0]!;
    const push = rawPush(raw_body, { authorization });
    expect(shopee.verify(push, shopeeCtx({ callbackUrl: "https://oms.example.com/other" }))).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("signs the raw bytes, not re-serialised JSON", () => {
    const { raw_body, authorization } = vector.cases[0]!;
    const pretty = JSON.stringify(JSON.parse(raw_body), null, 2);
    expect(shopee.verify(rawPush(pretty, { authorization }), shopeeCtx())).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("accepts upper-case hex and reports missing, garbage and unconfigured keys", () => {
    const { raw_body, authorization } = vector.cases[1]!;
    expect(
      shopee.verify(rawPush(raw_body, { authorization: authorization.toUpperCase() }), shopeeCtx()),
    ).toEqual({ ok: true });
    expect(shopee.verify(rawPush(raw_body), shopeeCtx())).toEqual({ ok: false, reason: "missing" });
    expect(shopee.verify(rawPush(raw_body, { authorization: "Bearer x" }), shopeeCtx())).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(shopee.verify(rawPush(raw_body, { authorization }), shopeeCtx({ secret: undefined }))).toEqual({
      ok: false,
      reason: "no_secret",
    });
  });

  it("acknowledges with 200 and an empty body", () => {
    expect(shopee.ack).toEqual({ status: 200, body: "" });
  });
});

describe("shopee pushes", () => {
  it.each([
    [
      "shopee-push-code3-order_status-ready_to_ship.json",
      "261128K7Q2M9PA",
      "READY_TO_SHIP",
      1_795_831_581_000,
      "64ca21a145e29bda3a6e31203c800e01",
    ],
    [
      "shopee-push-code3-order_status-shipped.json",
      "261126B3X8N4TC",
      "SHIPPED",
      1_795_828_364_000,
      "64ca21a145e29bda3a6e31203c800e02",
    ],
    [
      "shopee-push-code3-order_status-cancelled.json",
      "261127D5R1W6HE",
      "CANCELLED",
      1_795_762_869_000,
      "64ca21a145e29bda3a6e31203c800e03",
    ],
  ])("parses order_status_push %s", (file, orderNo, status, eventTime, msgId) => {
    const push = rawPush(fixture(file));
    const e = parseOne(shopee, push);
    expect(e).toEqual({
      source: "shopee",
      kind: "order_status_push",
      sourceEventId: msgId,
      orderRef: { orderNo },
      eventTime,
      rawStatus: status,
      fields: { order_status: status },
    });
    expect(shopee.deliveryKey([e], push)).toBe(msgId);
  });

  it("parses order_trackingno_push into a shipment", () => {
    const e = parseOne(shopee, rawPush(fixture("shopee-push-code4-trackingno.json")));
    expect(e).toMatchObject({
      kind: "order_trackingno_push",
      sourceEventId: "1ed4ce6347d5e9ab48f7aeba3cd64801",
      orderRef: { orderNo: "261128K7Q2M9PA" },
      eventTime: 1_795_835_111_000,
      rawStatus: null,
      fields: { tracking_no: "SPXMY047123456789" },
      shipment: { waybillNo: "SPXMY047123456789" },
    });
  });

  it("derives an event id from code, order and update time when msg_id is absent", () => {
    const body = editFixture("shopee-push-code3-order_status-shipped.json", /"msg_id": "\w+",/, "");
    expect(parseOne(shopee, rawPush(body)).sourceEventId).toBe("3:261126B3X8N4TC:1795828364");
  });

  it("yields nothing for pushes that are not about orders", () => {
    expect(shopee.parse(rawPush('{"code":1,"shop_id":1102345678,"timestamp":1795831582,"data":{}}'))).toEqual(
      [],
    );
    expect(shopee.parse(rawPush('{"code":12,"timestamp":1795831582}'))).toEqual([]);
  });

  it.each([
    ["code as text", '"code": 3', '"code": "3"', "code"],
    ["no ordersn", '"ordersn": "261126B3X8N4TC",', "", "data.ordersn"],
    ["update_time as text", '"update_time": 1795828364', '"update_time": "now"', "data.update_time"],
    ["a numeric status", '"status": "SHIPPED"', '"status": 7', "data.status"],
    ["data as a list", /"data": \{[\s\S]*?\},\n {2}"shop_id"/, '"data": [], "shop_id"', "data"],
  ])("rejects a push with %s", (_name, from, to, path) => {
    expectParseError(
      shopee,
      rawPush(editFixture("shopee-push-code3-order_status-shipped.json", from, to)),
      path,
    );
  });
});

describe("shopee order detail", () => {
  it("parses READY_TO_SHIP with MYR floats as exact sen", () => {
    const e = parseOne(shopee, rawPush(fixture("shopee-order_detail-ready_to_ship.json")));
    expect(e).toMatchObject({
      kind: "order_detail",
      sourceEventId: "order_detail:261128K7Q2M9PA:1795831581",
      orderRef: { orderNo: "261128K7Q2M9PA" },
      eventTime: 1_795_831_581_000,
      rawStatus: "READY_TO_SHIP",
      fields: { order_status: "READY_TO_SHIP" },
    });
    expect(e.order).toMatchObject({
      channelOrderId: "261128K7Q2M9PA",
      currency: "MYR",
      buyer: { id: "1170319091", nick: "aimee.tan88", phone: "60123456789" },
      address: { name: "Aimee Tan", province: "Selangor", city: "Petaling Jaya" },
      lines: [
        { sku: "YQ-EB-PRO2-WHT", qty: 1, unitPrice: 12900, amount: 7990, promoTag: "product_promotion" },
        { sku: "YQ-CBL-C60-1M", qty: 2, unitPrice: 1500, amount: 2500, promoTag: "product_promotion" },
      ],
      discounts: [],
      shippingFee: 490,
      shippingBorneBy: "buyer",
      orderAmount: 15900,
      actualPaid: 10980,
      createdAt: 1_795_831_511_000,
      paidAt: 1_795_831_576_000,
    });
  });

  it.each([
    ["shopee-order_detail-shipped.json", "261126B3X8N4TC", "SHIPPED", 1_795_828_364_000],
    ["shopee-order_detail-cancelled.json", "261127D5R1W6HE", "CANCELLED", 1_795_762_869_000],
    ["shopee-order_detail-large_address.json", "261128M2V7J0QS", "READY_TO_SHIP", 1_795_837_765_000],
  ])("parses %s", (file, orderNo, status, eventTime) => {
    const e = parseOne(shopee, rawPush(fixture(file)));
    expect(e).toMatchObject({ orderRef: { orderNo }, eventTime, fields: { order_status: status } });
  });

  it("falls back to Shopee's item:model pair when a line has no merchant SKU", () => {
    const body = editFixture("shopee-order_detail-cancelled.json", '"item_sku": "YQ-EB-PRO2",', "").replace(
      '"model_sku": "YQ-EB-PRO2-WHT",',
      "",
    );
    expect(parseOne(shopee, rawPush(body)).order?.lines[0]?.sku).toBe("23620853561:221404189791");
  });

  it("keeps the 866-character address intact and does not take a masked phone for data", () => {
    const large = parseOne(shopee, rawPush(fixture("shopee-order_detail-large_address.json")));
    expect(large.order?.address?.detail).toHaveLength(866);
    expect(large.order?.address?.detail).toContain("和谐中央公寓");
    const masked = parseOne(shopee, rawPush(fixture("shopee-order_detail-shipped.json")));
    expect(masked.order?.buyer?.phone).toBeUndefined();
    expect(masked.order?.address?.phone).toBe("******89");
  });

  it("accepts a signed 2.1 MB order detail with a bloated nested address", () => {
    const detail = JSON.parse(fixture("shopee-order_detail-large_address.json").toString("utf8"));
    const order = detail.response.order_list[0];
    order.recipient_address.buyer_address_detail = {
      levels: Array.from({ length: 6200 }, (_, i) => ({
        level: i,
        name: `Jalan Kuching Utama ${i} 和谐中央公寓 🎁`,
        geo: { lat: 3.1 + i / 1e5, lng: 101.6, codes: [i, i + 1, i + 2] },
        note: "x".repeat(200),
      })),
    };
    const body = JSON.stringify(detail);
    expect(Buffer.byteLength(body)).toBeGreaterThan(2_100_000); // the size that once failed with 413
    const authorization = createHmac("sha256", vector.partner_key)
      .update(`${vector.callback_url}|${body}`)
      .digest("hex");
    const push = rawPush(body, { authorization });
    expect(shopee.verify(push, shopeeCtx())).toEqual({ ok: true });
    const e = parseOne(shopee, push);
    expect(e).toMatchObject({ orderRef: { orderNo: "261128M2V7J0QS" }, order: { actualPaid: 10980 } });
  });

  it.each([
    [
      "a total that is not money",
      '"total_amount": 109.8',
      '"total_amount": "lots"',
      "response.order_list.0.total_amount",
    ],
    ["no currency", '"currency": "MYR",', "", "response.order_list.0.currency"],
    [
      "a quantity of zero",
      '"model_quantity_purchased": 1,',
      '"model_quantity_purchased": 0,',
      "response.order_list.0.item_list.0.model_quantity_purchased",
    ],
    ["order_list as an object", /"order_list": \[/, '"order_list": 5, "x": [', "response.order_list"],
  ])("rejects an order detail with %s", (_name, from, to, path) => {
    expectParseError(shopee, rawPush(editFixture("shopee-order_detail-ready_to_ship.json", from, to)), path);
  });

  it("rejects an API error response", () => {
    expectParseError(
      shopee,
      rawPush('{"error":"error_auth","message":"Invalid access_token.","response":{}}'),
      "error",
    );
  });
});
