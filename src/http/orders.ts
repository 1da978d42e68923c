import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { qrPng, qrSvg, signOrderRef } from "../aftersales/qr.ts";
import { orders, reservations } from "../db/schema/index.ts";
import type { Deps } from "../deps.ts";
import { listingNotices } from "../deps.ts";
import { AppError } from "../errors.ts";
import { handleEvent } from "../inbox/handle-event.ts";
import { sumLines } from "../inventory/reserve-batch.ts";
import { getOrder } from "../orders/get-order.ts";
import { canonicalOrderSchema, canonicalToSnapshot, ParseError } from "../sources/index.ts";
import type { AppEnv } from "./middleware.ts";
import { jsonBody } from "./validate.ts";

const payBody = z.object({
  payment_id: z.string().trim().min(1).max(128),
  amount: z.number().int().min(0),
});

export function orderRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/:orderNo", async (c) =>
    c.json(await getOrder({ db: deps.db, rules: deps.rules, orderNo: c.req.param("orderNo") })),
  );

  /** The order's signed QR reference for the packing slip: JSON, or ?format=svg|png to print. */
  app.get("/:orderNo/qr", async (c) => {
    const orderNo = c.req.param("orderNo");
    const [o] = await deps.db.select({ no: orders.orderNo }).from(orders).where(eq(orders.orderNo, orderNo));
    if (!o) throw new AppError("not_found", `order ${orderNo} not found`);
    const code = signOrderRef(deps.aftersale.qrSecret, orderNo);
    const format = c.req.query("format") ?? "json";
    if (format === "svg") return c.body(await qrSvg(code), 200, { "content-type": "image/svg+xml" });
    if (format === "png")
      return c.body(new Uint8Array(await qrPng(code)), 200, { "content-type": "image/png" });
    if (format !== "json")
      throw new AppError("bad_request", `format must be json, svg or png, got "${format}"`);
    return c.json({
      order_no: orderNo,
      code,
      svg: `/api/v1/orders/${encodeURIComponent(orderNo)}/qr?format=svg`,
    });
  });

  /** Creates an order and reserves every line in one step: all or nothing. */
  app.post("/", async (c) => {
    const body = await jsonBody(c, canonicalOrderSchema);
    if (body.status !== "created") {
      throw new AppError(
        "bad_request",
        "POST /api/v1/orders creates orders (status created); pay with POST /api/v1/orders/:order_no/pay",
      );
    }
    try {
      canonicalToSnapshot(body);
    } catch (e) {
      if (e instanceof ParseError) throw new AppError("bad_request", e.message);
      throw e;
    }
    const now = deps.clock.now();
    const event = {
      ...body,
      event_id: body.event_id ?? `api:${body.order_no}`,
      event_time: body.event_time ?? new Date(now).toISOString(),
    };
    const raw = Buffer.from(JSON.stringify(event));
    const r = await deps.reservations.reserve({
      orderNo: body.order_no,
      lines: sumLines(body.lines),
      expiresAt: now + deps.settings.paymentTimeoutMs,
      intake: {
        source: "miniapp",
        kind: "order",
        headers: { "x-anchor-intake": "api" },
        body: raw,
        bodyHash: createHash("sha256").update(raw).digest("hex"),
        dedupeKey: event.event_id,
      },
    });
    if (!r.ok) {
      throw new AppError(
        "insufficient_stock",
        r.reason === "unknown_sku"
          ? `SKU ${r.sku} is not stocked; set it with PUT /api/v1/skus/${r.sku}`
          : `only ${r.available} of ${r.sku} available, ${r.requested} requested`,
        { sku: r.sku, available: r.available, requested: r.requested },
      );
    }
    return c.json(
      {
        order_no: r.orderNo,
        status_anchor: "created",
        reservation: {
          expires_at: new Date(r.expiresAt).toISOString(),
          lines: r.lines,
        },
        repeated: r.repeated,
      },
      r.repeated ? 200 : 201,
    );
  });

  /** Payment success, same effect as a payment callback: deducts the held stock once per payment_id. */
  app.post("/:orderNo/pay", async (c) => {
    const orderNo = c.req.param("orderNo");
    const body = await jsonBody(c, payBody);
    const handled = await deps.writer.run(async (tx) => {
      const [o] = await tx.select({ n: orders.orderNo }).from(orders).where(eq(orders.orderNo, orderNo));
      const [r] = o
        ? [o]
        : await tx
            .select({ n: reservations.orderNo })
            .from(reservations)
            .where(eq(reservations.orderNo, orderNo))
            .limit(1);
      if (!r) throw new AppError("not_found", `order ${orderNo} not found`);
      const now = deps.clock.now();
      return handleEvent(
        { tx, rules: deps.rules, settings: deps.settings, now, alerts: deps.alerts.context },
        {
          source: "payment",
          kind: "payment",
          sourceEventId: `pay:${body.payment_id}`,
          orderRef: { orderNo },
          eventTime: now,
          rawStatus: "paid",
          fields: { status: "paid", amount: body.amount },
        },
      );
    });
    const p = handled.payment!;
    listingNotices(deps.notifier, handled.listing);
    if (handled.alerts) deps.tasks.defer("alert dispatch", () => deps.alerts.dispatch(handled.alerts!));
    if (p.outcome === "conflict") {
      throw new AppError(
        "conflict",
        `payment ${p.paymentId} was already recorded with amount ${p.recordedAmount}; an alert was raised`,
        {
          payment_id: p.paymentId,
          recorded_amount: p.recordedAmount,
        },
      );
    }
    if (p.outcome === "manual_handling") {
      void deps.notifier.send({
        to: "ops",
        severity: "P1",
        title: `订单 ${orderNo} 已付款但库存已释放`,
        text: `Order ${orderNo} was paid after its reservation expired and the stock is gone: refund or restock.`,
      });
    }
    return c.json({
      order_no: orderNo,
      payment_id: p.paymentId,
      outcome: p.outcome,
      repeated: p.repeated,
      status_anchor: handled.anchorAfter,
    });
  });
  return app;
}
