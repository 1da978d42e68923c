import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findJob } from "../../jobs/index.ts";
import { runJob } from "../../jobs/runner.ts";
import { signOrderRef } from "../../src/aftersales/qr.ts";
import {
  aftersaleCases,
  buyerFreezes,
  orders,
  refundRows,
  refunds,
  stockMovements,
} from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client, fixture } from "../helpers/push.ts";

let deps: TestDeps;
let a: ReturnType<typeof api>;

/**
 * M1: SKU-A 2×¥59.90, SKU-B 1×¥129.00, SKU-C 3×¥19.90 = ¥308.50; 满减 ¥30, 优惠券 ¥15, 积分 ¥5;
 * shipping ¥10 paid by the buyer → actual paid ¥268.50. Paid.
 */
async function paidOrder(orderNo = "M1", buyer = { id: "u1", phone: "13800000000" }) {
  await a.putSku("SKU-A", { on_hand: 50, cost: 3000 });
  await a.putSku("SKU-B", { on_hand: 50, cost: 6000 });
  await a.putSku("SKU-C", { on_hand: 50, cost: 800 });
  const created = await a.createOrder(
    orderNo,
    [
      { sku: "SKU-A", qty: 2, unit_price: 5990 },
      { sku: "SKU-B", qty: 1, unit_price: 12900 },
      { sku: "SKU-C", qty: 3, unit_price: 1990 },
    ],
    {
      buyer,
      shipping_fee: 1000,
      shipping_borne_by: "buyer",
      discounts: [
        { kind: "full_reduction", amount: 3000, name: "满300减30" },
        { kind: "coupon", amount: 1500, name: "店铺券" },
        { kind: "points", amount: 500, name: "积分抵扣" },
      ],
    },
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await a.pay(orderNo, `wx-${orderNo}`, 26850)).status).toBe(200);
  await settle(deps);
}

const open = (body: Record<string, unknown>) => a.call("POST", "/aftersales", body);

beforeEach(async () => {
  deps = await testDeps();
  a = api(deps);
});
afterEach(async () => deps.close());

describe("opening a case", () => {
  it("opens a case on a paid order with the order's money copied as it was", async () => {
    await paidOrder();
    const r = await open({
      order_no: "M1",
      kind: "return_refund",
      lines: [{ sku: "SKU-A", qty: 1 }],
      reason: "尺码不合适",
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      order_no: "M1",
      kind: "return_refund",
      status: "open",
      lines: [{ line_no: 1, sku: "SKU-A", qty: 1 }],
    });
    expect(r.body.order_money).toMatchObject({ orderAmount: 30850, actualPaid: 26850, shippingFee: 1000 });
    expect(r.body.order_money.discounts).toHaveLength(3);
    expect((await a.call("GET", `/aftersales/${r.body.id}`)).body.id).toBe(r.body.id);
  });

  it("refuses bad requests with a clear message and writes nothing", async () => {
    await paidOrder();
    await a.createOrder("UNPAID", [{ sku: "SKU-A", qty: 1 }]);
    await settle(deps);
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ order_no: "NOPE", kind: "refund_only", lines: [{ sku: "SKU-A", qty: 1 }] }, 404, /NOPE/],
      [{ order_no: "M1", kind: "refund_only", lines: [{ sku: "SKU-A", qty: 3 }] }, 409, /只剩 2 件/],
      [{ order_no: "M1", kind: "refund_only", lines: [{ sku: "SKU-A", qty: -1 }] }, 400, /qty/],
      [{ order_no: "M1", kind: "refund_only", lines: [{ sku: "SKU-Z", qty: 1 }] }, 400, /没有 SKU SKU-Z/],
      [{ order_no: "M1", kind: "refund", lines: [{ sku: "SKU-A", qty: 1 }] }, 400, /kind/],
      [{ order_no: "UNPAID", kind: "refund_only", lines: [{ sku: "SKU-A", qty: 1 }] }, 409, /还没有付款/],
    ];
    for (const [body, status, message] of cases) {
      const r = await open(body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.message).toMatch(message);
    }
    expect(await deps.db.select().from(aftersaleCases)).toEqual([]);
  });

  it("does not let two cases claim the same units, nor refund them twice", async () => {
    await paidOrder();
    expect(
      (await open({ order_no: "M1", kind: "refund_only", lines: [{ sku: "SKU-B", qty: 1 }] })).status,
    ).toBe(201);
    const again = await open({ order_no: "M1", kind: "refund_only", lines: [{ sku: "SKU-B", qty: 1 }] });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/只剩 0 件/);
  });
});

describe("refunds", () => {
  it("quotes and approves a refund as a voucher of line × component rows that add up", async () => {
    await paidOrder();
    const quote = await a.call("GET", "/aftersales/quote?order_no=M1&lines=SKU-A:1");
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    const c = await open({ order_no: "M1", kind: "refund_only", lines: [{ sku: "SKU-A", qty: 1 }] });
    const approved = await a.call("POST", `/aftersales/${c.body.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const refund = approved.body.refund;
    expect(refund.total).toBe(quote.body.total);
    expect(refund.voucher.reduce((s: number, r: { amount: number }) => s + r.amount, 0)).toBe(refund.total);
    const components = refund.voucher.map((r: { component: string }) => r.component);
    expect(components).toEqual(expect.arrayContaining(["goods", "full_reduction", "coupon", "points"]));
    expect(refund.voucher.find((r: { component: string }) => r.component === "goods").amount).toBe(5990);
    expect(approved.body.status).toBe("closed"); // refund-only closes on the refund
    expect(approved.body.channel_must_refund).toBeNull(); // our own order: no channel to ask
  });

  it("refunds exactly what was paid once every unit is refunded, over several cases", async () => {
    await paidOrder();
    let total = 0;
    for (const lines of [
      [{ sku: "SKU-C", qty: 1 }],
      [
        { sku: "SKU-A", qty: 2 },
        { sku: "SKU-C", qty: 1 },
      ],
      [
        { sku: "SKU-B", qty: 1 },
        { sku: "SKU-C", qty: 1 },
      ],
    ]) {
      const c = await open({ order_no: "M1", kind: "refund_only", lines });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      const r = await a.call("POST", `/aftersales/${c.body.id}/approve`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      total += r.body.refund.total;
    }
    expect(total).toBe(26850);
    const rows = await deps.db.select().from(refundRows).where(eq(refundRows.orderNo, "M1"));
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(26850);
    expect(rows.filter((r) => r.component === "shipping")).toHaveLength(1);
    const more = await open({ order_no: "M1", kind: "refund_only", lines: [{ sku: "SKU-C", qty: 1 }] });
    expect(more.status).toBe(409);
  });

  it("writes one voucher when two approvals of the same case race", async () => {
    await paidOrder();
    const c = await open({ order_no: "M1", kind: "refund_only", lines: [{ sku: "SKU-B", qty: 1 }] });
    const results = await Promise.all([
      a.call("POST", `/aftersales/${c.body.id}/approve`),
      a.call("POST", `/aftersales/${c.body.id}/approve`),
      a.call("POST", `/aftersales/${c.body.id}/approve`),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(await deps.db.select().from(refunds)).toHaveLength(1);
    const rows = await deps.db.select().from(refundRows);
    expect(new Set(rows.map((r) => r.refundId)).size).toBe(1);
  });
});

describe("return receiving by order QR code", () => {
  it("puts returned units back in stock, reverses cost and moves the case on; refuses forged, unknown and used codes", async () => {
    await paidOrder();
    const c = await open({ order_no: "M1", kind: "return_refund", lines: [{ sku: "SKU-A", qty: 2 }] });
    const qr = await a.call("GET", "/orders/M1/qr");
    expect(qr.status).toBe(200);
    expect(qr.body.code).toBe(signOrderRef(deps.aftersale.qrSecret, "M1"));
    const svg = await a.app.request("/api/v1/orders/M1/qr?format=svg", {
      headers: { authorization: "Bearer test-token-0123456789abcdef" },
    });
    expect(svg.headers.get("content-type")).toContain("image/svg+xml");
    expect(await svg.text()).toContain("<svg");
    const png = await a.app.request("/api/v1/orders/M1/qr?format=png", {
      headers: { authorization: "Bearer test-token-0123456789abcdef" },
    });
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");

    const before = (await a.sku("SKU-A")).body.on_hand;
    const scanned = await a.call("POST", "/scan", { code: qr.body.code, by: "wh1" });
    expect(scanned.status, JSON.stringify(scanned.body)).toBe(200);
    expect(scanned.body).toMatchObject({
      order_no: "M1",
      case_id: c.body.id,
      status: "received",
      cost_reversed: 6000,
    });
    expect((await a.sku("SKU-A")).body.on_hand).toBe(before + 2);
    const [move] = await deps.db.select().from(stockMovements).where(eq(stockMovements.kind, "return"));
    expect(move).toMatchObject({ sku: "SKU-A", deltaOnHand: 2, orderNo: "M1" });

    const again = await a.call("POST", "/scan", { code: qr.body.code });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe("already_used");
    const forged = await a.call("POST", "/scan", {
      code: qr.body.code.replace(/.$/, (ch: string) => (ch === "A" ? "B" : "A")),
    });
    expect(forged.body.error).toBe("bad_signature");
    const barcode = await a.call("POST", "/scan", { code: "6901234567892" });
    expect(barcode.status).toBe(400);
    expect(barcode.body.message).toContain("商品条码");
    const otherShop = await a.call("POST", "/scan", { code: signOrderRef("another-shop-secret-123", "M1") });
    expect(otherShop.body.error).toBe("bad_signature");

    // Approving the refund now closes the case: goods back and money back.
    const approved = await a.call("POST", `/aftersales/${c.body.id}/approve`);
    expect(approved.body.status).toBe("closed");
  });

  it("follows a return shipment with the carrier's pushes", async () => {
    await paidOrder();
    const c = await open({ order_no: "M1", kind: "return_refund", lines: [{ sku: "SKU-A", qty: 1 }] });
    expect(
      (await a.call("POST", `/aftersales/${c.body.id}/return`, { waybill_no: "RT9876543210" })).status,
    ).toBe(200);
    const push = client(deps);
    expect((await push.kuaidi("kuaidi100-push-state_3_signed.json", "RT9876543210")).status).toBe(200);
    await settle(deps);
    expect((await a.call("GET", `/aftersales/${c.body.id}`)).body.return).toEqual({
      waybill_no: "RT9876543210",
      state: "signed",
    });
    expect((await push.kuaidi("kuaidi100-push-state_14_rejected.json", "RT9876543210")).status).toBe(200);
    await settle(deps);
    expect((await a.call("GET", `/aftersales/${c.body.id}`)).body.return.state).toBe("rejected");
  });
});

describe("the SLA breaker", () => {
  it("escalates a case untouched for 72 h, freezes the customer and holds their next order", async () => {
    await paidOrder();
    const c = await open({ order_no: "M1", kind: "refund_only", lines: [{ sku: "SKU-C", qty: 1 }] });
    deps.clock.advance(71 * 3_600_000);
    expect((await runJob(deps, findJob("sla")!)).counts).toMatchObject({ escalated: 0 });
    deps.clock.advance(2 * 3_600_000);
    const run = await runJob(deps, findJob("sla")!);
    expect(run.counts).toMatchObject({ escalated: 1, frozen: 1 });
    const notice = deps.notifier.sent.find((n) => n.title.includes(`售后 #${c.body.id}`));
    expect(notice).toMatchObject({ to: "cs_lead", severity: "P1", subject: "M1" });
    expect(notice?.actions?.map((x) => x.text)).toEqual(["认领", "同意退款", "驳回"]);
    expect(await deps.db.select().from(buyerFreezes)).toEqual([
      expect.objectContaining({ key: "miniapp:u1", caseId: c.body.id }),
    ]);
    // A second run does not escalate it again.
    expect((await runJob(deps, findJob("sla")!)).counts).toMatchObject({ escalated: 0 });

    await paidOrder("M2");
    const [m2] = await deps.db.select().from(orders).where(eq(orders.orderNo, "M2"));
    expect(m2?.attention).toBe("held_frozen_buyer");
    expect(
      deps.notifier.sent.some(
        (n) => n.title.includes("M2") && n.actions?.some((x) => x.text.includes("放行")),
      ),
    ).toBe(true);

    // Resolving the case lifts the freeze.
    expect((await a.call("POST", `/aftersales/${c.body.id}/reject`, { reason: "已使用" })).status).toBe(200);
    expect(await deps.db.select().from(buyerFreezes)).toEqual([]);
  });
});

describe("cases the channels open", () => {
  it("opens a case when a channel's refund status says so, and its approval records what the channel must refund", async () => {
    const push = client(deps);
    const res = await push.own("pdd", fixture("pdd-order-refund_status_3_refunding.json"));
    expect(res.status).toBe(200);
    await settle(deps);
    const cases = await deps.db.select().from(aftersaleCases);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ source: "channel", channel: "pdd", status: "open" });
    const approved = await a.call("POST", `/aftersales/${cases[0]!.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.channel_must_refund).toBe(approved.body.refund.total);
    expect(approved.body.refund.total).toBe(cases[0]!.money.actualPaid);
  });
});
