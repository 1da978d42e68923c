import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findJob } from "../../jobs/index.ts";
import { runJob } from "../../jobs/runner.ts";
import { alerts, orders, restockOrders } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";

let deps: TestDeps;
let a: ReturnType<typeof api>;
beforeEach(async () => {
  deps = await testDeps();
  a = api(deps);
});
afterEach(async () => deps.close());

const expire = () => runJob(deps, findJob("expire-reservations")!);

describe("SKUs", () => {
  it("sets on_hand, safety stock and cost, and shows available and the movement", async () => {
    const put = await a.putSku("SKU-1", { on_hand: 100, safety_stock: 10, cost: 3500 });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const { body } = await a.sku("SKU-1");
    expect(body).toMatchObject({
      sku: "SKU-1",
      on_hand: 100,
      reserved: 0,
      available: 95,
      safety_stock: 10,
      cost: 3500,
      listed: true,
    });
    expect(body.movements).toEqual([
      expect.objectContaining({ kind: "adjust", delta_on_hand: 100, delta_reserved: 0 }),
    ]);
  });

  it("refuses bad input with a JSON error naming the field", async () => {
    expect((await a.putSku("SKU-1", { on_hand: -1 })).body).toMatchObject({
      error: "bad_request",
      message: expect.stringContaining("on_hand"),
    });
    expect((await a.call("PUT", "/skus/SKU-1", { on_hand: 1.5 })).status).toBe(400);
    expect((await a.call("PUT", "/skus/SKU-2", { safety_stock: 3 })).body.message).toMatch(
      /on_hand is required/,
    );
    expect((await a.sku("NOPE")).status).toBe(404);
  });

  it("never lets on_hand drop below what is reserved", async () => {
    await a.putSku("SKU-1", { on_hand: 10 });
    await a.createOrder("O1", [{ sku: "SKU-1", qty: 5 }]);
    const res = await a.putSku("SKU-1", { on_hand: 4 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: "conflict", reserved: 5 });
  });

  it("lists SKUs below their safety line, closest to empty first", async () => {
    await a.putSku("A", { on_hand: 100, safety_stock: 10 });
    await a.putSku("B", { on_hand: 5, safety_stock: 10 });
    await a.putSku("C", { on_hand: 9, safety_stock: 10 });
    await a.putSku("D", { on_hand: 1, safety_stock: 0 });
    const { body } = await a.call("GET", "/skus?below=safety");
    expect(body.items.map((s: { sku: string }) => s.sku)).toEqual(["B", "C"]);
    expect((await a.call("GET", "/skus?below=later")).status).toBe(400);
  });
});

describe("POST /api/v1/orders", () => {
  it("reserves every line, summing lines of one SKU, and answers 201 with the expiry", async () => {
    await a.putSku("SKU-1", { on_hand: 100 });
    const res = await a.createOrder("O1", [
      { sku: "SKU-1", qty: 2 },
      { sku: "SKU-1", qty: 3 },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.reservation).toEqual({
      expires_at: new Date(deps.clock.now() + 15 * 60_000).toISOString(),
      lines: [{ sku: "SKU-1", qty: 5 }],
    });
    expect((await a.sku("SKU-1")).body).toMatchObject({ reserved: 5, available: 90 });
    await settle(deps);
    const order = await a.call("GET", "/orders/O1");
    expect(order.body).toMatchObject({
      status_anchor: "created",
      lines: [expect.objectContaining({ qty: 2 }), expect.objectContaining({ qty: 3 })],
    });
  });

  it("is all or nothing: a short line reserves nothing and answers 409 with the SKU and what is available", async () => {
    await a.putSku("SKU-1", { on_hand: 100 });
    await a.putSku("SKU-2", { on_hand: 3 });
    const res = await a.createOrder("O1", [
      { sku: "SKU-1", qty: 5 },
      { sku: "SKU-2", qty: 3 },
    ]);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: "insufficient_stock", sku: "SKU-2", available: 2, requested: 3 });
    expect((await a.sku("SKU-1")).body.reserved).toBe(0);
    await settle(deps);
    expect((await a.call("GET", "/orders/O1")).status).toBe(404);
  });

  it("answers a retried create with the same reservation instead of reserving twice", async () => {
    await a.putSku("SKU-1", { on_hand: 100 });
    await a.createOrder("O1", [{ sku: "SKU-1", qty: 4 }]);
    const again = await a.createOrder("O1", [{ sku: "SKU-1", qty: 4 }]);
    expect(again.status).toBe(200);
    expect(again.body.repeated).toBe(true);
    expect((await a.sku("SKU-1")).body.reserved).toBe(4);
  });

  it("refuses an unknown SKU and a status other than created", async () => {
    expect((await a.createOrder("O1", [{ sku: "GHOST", qty: 1 }])).body).toMatchObject({
      error: "insufficient_stock",
      sku: "GHOST",
      available: 0,
    });
    expect((await a.createOrder("O2", [{ sku: "GHOST", qty: 1 }], { status: "paid" })).status).toBe(400);
  });
});

describe("payment", () => {
  beforeEach(async () => {
    await a.putSku("SKU-1", { on_hand: 100 });
    await a.createOrder("O1", [{ sku: "SKU-1", qty: 3 }]);
  });

  it("deducts the reserved stock once per payment reference and moves the anchor to paid", async () => {
    const paid = await a.pay("O1", "wx-1", 3000);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ outcome: "deducted", repeated: false, status_anchor: "paid" });
    expect((await a.sku("SKU-1")).body).toMatchObject({ on_hand: 97, reserved: 0 });
    const again = await a.pay("O1", "wx-1", 3000);
    expect(again.body).toMatchObject({ outcome: "deducted", repeated: true });
    expect((await a.sku("SKU-1")).body).toMatchObject({ on_hand: 97, reserved: 0 });
  });

  it("refuses the same reference with another amount and raises an alert", async () => {
    await a.pay("O1", "wx-1", 3000);
    const res = await a.pay("O1", "wx-1", 1);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: "conflict", recorded_amount: 3000 });
    const rows = await deps.db.select().from(alerts);
    expect(rows).toEqual([
      expect.objectContaining({ kind: "payment_conflict", orderNo: "O1", status: "open" }),
    ]);
    expect((await a.sku("SKU-1")).body.on_hand).toBe(97);
  });

  it("answers 404 for an order it never saw", async () => {
    expect((await a.pay("NOPE", "wx-9", 1)).status).toBe(404);
  });
});

describe("expiry", () => {
  it("releases reservations unpaid after PAYMENT_TIMEOUT and tells ops", async () => {
    await a.putSku("SKU-1", { on_hand: 100 });
    await a.createOrder("O1", [{ sku: "SKU-1", qty: 3 }]);
    deps.clock.advance(15 * 60_000 - 1);
    expect((await expire()).counts).toEqual({ orders: 0, units: 0 });
    deps.clock.advance(1);
    const rec = await expire();
    expect(rec).toMatchObject({ outcome: "ok", counts: { orders: 1, units: 3 } });
    expect((await a.sku("SKU-1")).body).toMatchObject({ reserved: 0, available: 95 });
    expect(deps.notifier.sent).toEqual([
      expect.objectContaining({ to: "ops", text: expect.stringContaining("O1 (SKU-1×3)") }),
    ]);
  });

  it("re-reserves a payment that arrives after expiry when the stock is still free", async () => {
    await a.putSku("SKU-1", { on_hand: 100 });
    await a.createOrder("O1", [{ sku: "SKU-1", qty: 3 }]);
    deps.clock.advance(16 * 60_000);
    await expire();
    const paid = await a.pay("O1", "wx-1", 3000);
    expect(paid.body.outcome).toBe("re_reserved");
    expect((await a.sku("SKU-1")).body).toMatchObject({ on_hand: 97, reserved: 0 });
  });

  it("sends a late payment to manual handling when the stock is gone", async () => {
    await a.putSku("SKU-1", { on_hand: 3 });
    await a.createOrder("O1", [{ sku: "SKU-1", qty: 2 }]);
    deps.clock.advance(16 * 60_000);
    await expire();
    await a.createOrder("O2", [{ sku: "SKU-1", qty: 2 }]);
    const paid = await a.pay("O1", "wx-1", 2000);
    expect(paid.body.outcome).toBe("manual_handling");
    expect((await a.sku("SKU-1")).body).toMatchObject({ on_hand: 3, reserved: 2 });
    await settle(deps);
    const [o] = await deps.db.select().from(orders).where(eq(orders.orderNo, "O1"));
    expect(o!.attention).toBe("manual_handling");
    expect(await deps.db.select().from(alerts)).toEqual([
      expect.objectContaining({ kind: "paid_without_stock", orderNo: "O1" }),
    ]);
  });
});

describe("low stock", () => {
  it("unlists below 30% of the safety line with a restock work order, and lists again after restocking", async () => {
    await a.putSku("SKU-1", { on_hand: 20, safety_stock: 10 });
    await a.createOrder("O1", [{ sku: "SKU-1", qty: 16 }]); // available 19 → 3: not yet below 3
    expect((await a.sku("SKU-1")).body.listed).toBe(true);
    await a.createOrder("O2", [{ sku: "SKU-1", qty: 1 }]); // available 2 < 3
    const low = (await a.sku("SKU-1")).body;
    expect(low).toMatchObject({
      listed: false,
      available: 2,
      restock_order: expect.objectContaining({ suggested_qty: 8 }),
    });
    expect(deps.notifier.sent).toContainEqual(
      expect.objectContaining({ to: "purchasing", title: expect.stringContaining("下架") }),
    );
    await a.putSku("SKU-1", { on_hand: 40 });
    const back = (await a.sku("SKU-1")).body;
    expect(back).toMatchObject({ listed: true, restock_order: null });
    const [wo] = await deps.db.select().from(restockOrders);
    expect(wo).toMatchObject({ status: "closed" });
  });
});

describe("orders arriving by webhook", () => {
  it("reserve their stock like the API, and flag the order when they cannot", async () => {
    const { client, miniappOrder } = await import("../helpers/push.ts");
    const hooks = client(deps);
    await a.putSku("SKU-1", { on_hand: 10 });
    await hooks.own(
      "miniapp",
      JSON.stringify(
        miniappOrder({
          order_no: "W1",
          event_id: "w1",
          lines: [{ sku: "SKU-1", qty: 4, unit_price: 100 }],
          discounts: [],
        }),
      ),
    );
    await hooks.own(
      "miniapp",
      JSON.stringify(
        miniappOrder({
          order_no: "W2",
          event_id: "w2",
          lines: [{ sku: "SKU-1", qty: 6, unit_price: 100 }],
          discounts: [],
        }),
      ),
    );
    await settle(deps);
    expect((await a.sku("SKU-1")).body).toMatchObject({ reserved: 4, available: 5 });
    const [w2] = await deps.db.select().from(orders).where(eq(orders.orderNo, "W2"));
    expect(w2!.attention).toBe("oversold_at_intake");
    expect(deps.notifier.sent).toContainEqual(
      expect.objectContaining({ to: "ops", title: expect.stringContaining("W2") }),
    );
  });
});
