import { Hono } from "hono";
import { z } from "zod";
import {
  approveRefund,
  claimCase,
  getCase,
  openCase,
  orderMoney,
  parseLineSpec,
  quoteRefund,
  refundedUnits,
  rejectCase,
  resolveLines,
  scanReturn,
  setReturnWaybill,
} from "../aftersales/index.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import type { AppEnv } from "./middleware.ts";
import { jsonBody } from "./validate.ts";

const lineSchema = z
  .object({
    sku: z.string().trim().min(1).max(64).optional(),
    line_no: z.number().int().positive().optional(),
    qty: z.number().int().positive().max(100_000),
  })
  .refine((l) => l.sku !== undefined || l.line_no !== undefined, {
    message: "each line needs sku or line_no",
  });

const openBody = z.object({
  order_no: z.string().trim().min(1).max(64),
  kind: z.enum(["refund_only", "return_refund", "exchange"]),
  lines: z.array(lineSchema).min(1).max(100),
  reason: z.string().max(500).optional(),
});

const caseId = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new AppError("bad_request", `case id must be a positive integer, got "${v}"`);
  return n;
};

/** What the API answers for a case: the case, its voucher rows, its scans. */
function caseView(v: Awaited<ReturnType<typeof getCase>>) {
  const c = v.case;
  return {
    id: c.id,
    order_no: c.orderNo,
    channel: c.channel,
    kind: c.kind,
    status: c.status,
    source: c.source,
    reason: c.reason,
    lines: c.lines.map((l) => ({ line_no: l.lineNo, sku: l.sku, qty: l.qty })),
    order_money: c.money,
    claimed_by: c.claimedBy,
    return: c.returnWaybill ? { waybill_no: c.returnWaybill, state: c.returnState } : null,
    received_at: c.receivedAt ? new Date(c.receivedAt).toISOString() : null,
    cost_reversed: c.costReversed,
    sla_escalated_at: c.slaEscalatedAt ? new Date(c.slaEscalatedAt).toISOString() : null,
    created_at: new Date(c.createdAt).toISOString(),
    touched_at: new Date(c.touchedAt).toISOString(),
    resolution: c.resolution,
    refund: v.refund
      ? {
          id: v.refund.id,
          total: v.refund.total,
          shipping: v.refund.shipping,
          points_returned: v.refund.pointsReturned,
          channel_amount: v.refund.channelAmount,
          approved_by: v.refund.approvedBy,
          voucher: v.voucher.map((r) => ({
            line_no: r.lineNo,
            sku: r.sku,
            qty: r.qty,
            component: r.component,
            name: r.name,
            amount: r.amount,
          })),
        }
      : null,
    scans: v.scans.map((s) => ({ result: s.result, by: s.by, at: new Date(s.at).toISOString() })),
  };
}

export function aftersaleRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const by = "api";

  app.post("/", async (c) => {
    const body = await jsonBody(c, openBody);
    const now = deps.clock.now();
    const row = await deps.writer.run((tx) =>
      openCase(tx, {
        orderNo: body.order_no,
        kind: body.kind,
        lines: body.lines.map((l) => ({ sku: l.sku, lineNo: l.line_no, qty: l.qty })),
        reason: body.reason,
        source: "api",
        by,
        now,
      }),
    );
    return c.json(caseView(await getCase(deps.db, row.id)), 201);
  });

  /** GET /quote?order_no=M1&lines=SKU-A:1,SKU-B:2 (or SKU-Ax1): the split, without writing anything. */
  app.get("/quote", async (c) => {
    const orderNo = c.req.query("order_no");
    const spec = c.req.query("lines");
    if (!orderNo) throw new AppError("bad_request", "order_no is required");
    if (!spec) throw new AppError("bad_request", "lines is required, e.g. lines=SKU-A:1,SKU-B:2");
    const requested = spec.split(",").map((s) => parseLineSpec(s.replace(":", "x")));
    const { money } = await orderMoney(deps.db, orderNo);
    const done = await refundedUnits(deps.db, orderNo);
    const lines = resolveLines(money, requested, done.units);
    const quote = quoteRefund({
      order: money,
      refunded: { lines: [...done.units].map(([lineNo, qty]) => ({ lineNo, qty })), shipping: done.shipping },
      request: lines.map((l) => ({ lineNo: l.lineNo, qty: l.qty })),
      policy: deps.aftersale.policy,
    });
    return c.json({ order_no: orderNo, actual_paid: money.actualPaid, ...quote });
  });

  app.get("/:id", async (c) => c.json(caseView(await getCase(deps.db, caseId(c.req.param("id"))))));

  app.post("/:id/approve", async (c) => {
    const id = caseId(c.req.param("id"));
    const now = deps.clock.now();
    const r = await deps.writer.run((tx) =>
      approveRefund(tx, { caseId: id, by, now, policy: deps.aftersale.policy }),
    );
    return c.json({ ...caseView(await getCase(deps.db, r.caseId)), channel_must_refund: r.channelAmount });
  });

  app.post("/:id/reject", async (c) => {
    const id = caseId(c.req.param("id"));
    const body = await jsonBody(c, z.object({ reason: z.string().trim().min(1).max(300) }));
    const now = deps.clock.now();
    await deps.writer.run((tx) => rejectCase(tx, { caseId: id, by, reason: body.reason, now }));
    return c.json(caseView(await getCase(deps.db, id)));
  });

  app.post("/:id/claim", async (c) => {
    const id = caseId(c.req.param("id"));
    const body = await jsonBody(c, z.object({ by: z.string().trim().min(1).max(64) }));
    await deps.writer.run((tx) => claimCase(tx, { caseId: id, by: body.by, now: deps.clock.now() }));
    return c.json(caseView(await getCase(deps.db, id)));
  });

  app.post("/:id/return", async (c) => {
    const id = caseId(c.req.param("id"));
    const body = await jsonBody(c, z.object({ waybill_no: z.string().trim().min(1).max(40) }));
    await deps.writer.run((tx) =>
      setReturnWaybill(tx, { caseId: id, waybill: body.waybill_no, now: deps.clock.now() }),
    );
    return c.json(caseView(await getCase(deps.db, id)));
  });

  return app;
}

/** POST /api/v1/scan {code}: the warehouse's return receiving by order QR code. */
export function scanRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.post("/", async (c) => {
    const body = await jsonBody(
      c,
      z.object({ code: z.string().min(1).max(300), by: z.string().max(64).optional() }),
    );
    const now = deps.clock.now();
    const r = await deps.writer.run((tx) =>
      scanReturn(tx, { secret: deps.aftersale.qrSecret, code: body.code, by: body.by ?? "api", now }),
    );
    if (!r.ok) {
      const status = r.reason === "no_open_case" || r.reason === "already_used" ? 409 : 400;
      return c.json({ error: r.reason, message: r.message, order_no: r.orderNo }, status);
    }
    return c.json({
      order_no: r.orderNo,
      case_id: r.caseId,
      status: r.status,
      returned: r.lines.map((l) => ({ sku: l.sku, qty: l.qty })),
      cost_reversed: r.costReversed,
    });
  });
  return app;
}
