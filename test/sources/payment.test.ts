import { describe, expect, it } from "vitest";
import { adapters } from "../../src/sources/index.ts";
import { expectParseError, NOW_MS, ownPush, parseOne, rawPush } from "./helpers.ts";

const payment = adapters.payment;
const PAID = {
  order_no: "M20260118001",
  payment_id: "4200002345202611281234560001",
  amount: 15800,
  paid_at: "2026-11-28T09:41:59+08:00",
  event_id: "evt-pay-1",
};
const body = (over: Record<string, unknown> = {}) => JSON.stringify({ ...PAID, ...over });

describe("payment callbacks", () => {
  it("parses a payment of 15800 cents", () => {
    const push = ownPush(body());
    const e = parseOne(payment, push);
    expect(e).toEqual({
      source: "payment",
      kind: "payment",
      sourceEventId: "pay:4200002345202611281234560001",
      orderRef: { orderNo: "M20260118001" },
      eventTime: 1_795_830_119_000,
      rawStatus: "paid",
      fields: { status: "paid", amount: 15800 },
    });
    expect(payment.deliveryKey([e], push)).toBe("pay:4200002345202611281234560001");
  });

  it("keys repeats of one payment alike, whatever their event ids", () => {
    const a = parseOne(payment, ownPush(body({ event_id: "a" })));
    const b = parseOne(payment, ownPush(body({ event_id: "b" })));
    expect(a.sourceEventId).toBe(b.sourceEventId);
  });

  it("keeps a numeric 19-digit payment id exact", () => {
    const text = body().replace(
      '"payment_id":"4200002345202611281234560001"',
      '"payment_id":4200002345202611281',
    );
    expect(parseOne(payment, ownPush(text)).sourceEventId).toBe("pay:4200002345202611281");
  });

  it("uses the signed timestamp when paid_at is absent", () => {
    const e = parseOne(payment, ownPush(body({ paid_at: undefined })));
    expect(e.eventTime).toBe(NOW_MS);
  });

  it.each([
    ["a fractional amount", { amount: 158.5 }, "amount"],
    ["an amount in yuan text", { amount: "158.00" }, "amount"],
    ["a negative amount", { amount: -1 }, "amount"],
    ["no payment_id", { payment_id: undefined }, "payment_id"],
    ["an empty order_no", { order_no: "" }, "order_no"],
    ["a paid_at without a zone", { paid_at: "2026-11-28 09:41:59" }, "paid_at"],
  ])("rejects a callback with %s", (_name, over, path) => {
    expectParseError(payment, ownPush(body(over)), path);
  });

  it("rejects a callback with neither paid_at nor a timestamp header", () => {
    expectParseError(payment, rawPush(body({ paid_at: undefined })), "paid_at");
  });
});
