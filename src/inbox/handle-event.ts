import { and, eq, isNull } from "drizzle-orm";
import { syncChannelCase, trackReturn } from "../aftersales/channel-cases.ts";
import { holdIfFrozen } from "../aftersales/freeze.ts";
import { type AlertContext, evaluateOrderRules } from "../alerts/evaluate.ts";
import { raiseAlert } from "../alerts/raise-alert.ts";
import type { RecordedHit } from "../alerts/record-hit.ts";
import type { RuleSet } from "../anchors/rules.ts";
import type { Tx } from "../db/client.ts";
import { orders, reservations } from "../db/schema/index.ts";
import { refreshFact } from "../facts/refresh-fact.ts";
import { applyPayment, type PaymentResult } from "../inventory/apply-payment.ts";
import type { ListingChange } from "../inventory/low-stock.ts";
import { reserveBatch, sumLines } from "../inventory/reserve-batch.ts";
import type { StockSettings } from "../inventory/stock-math.ts";
import { type ApplyResult, applyEvent } from "../orders/apply-event.ts";
import type { CanonicalEvent } from "../sources/types.ts";

export interface HandleContext {
  tx: Tx;
  rules: RuleSet;
  settings: StockSettings;
  now: number;
  inboxId?: number | null;
  /** The alert centre's rules; absent, no anomaly rules run (unit tests of the core). */
  alerts?: AlertContext;
}

export interface Handled extends ApplyResult {
  payment?: PaymentResult;
  /** Set when an order from a webhook could not reserve its stock at intake. */
  oversold?: { sku: string; requested: number; available: number };
  listing: ListingChange[];
  /** A new order from a frozen customer, held for review. */
  held?: { key: string; reason: string };
  /** A case a channel's refund status opened. */
  caseOpened?: { caseId: number };
  /** A carrier push that followed a return shipment rather than an order's. */
  returnTracked?: { caseId: number; state: string };
  /** Anomaly rule hits this event caused, for the alert centre to route after commit. */
  alerts?: RecordedHit[];
}

const PAYMENT_SOURCES = new Set(["payment", "wechatpay"]);

/**
 * What a source event does beyond the anchor: a payment deducts stock (once per reference), an
 * order created through a webhook reserves its stock like one created through the API, and the
 * anomaly rules look at every new order snapshot and payment in the same transaction. Every
 * event then refreshes the order's row in the paid-order fact table.
 */
export async function handleEvent(ctx: HandleContext, event: CanonicalEvent): Promise<Handled> {
  const handled = await applyAndSettle(ctx, event);
  if (ctx.alerts && !handled.duplicate && handled.orderNo && (event.order || handled.payment)) {
    const hits = await evaluateOrderRules(ctx.tx, ctx.alerts, handled.orderNo, ctx.now);
    if (hits.length) handled.alerts = hits;
  }
  if (!handled.duplicate) await refreshFact(ctx.tx, handled.orderNo, ctx.now);
  return handled;
}

async function applyAndSettle(ctx: HandleContext, event: CanonicalEvent): Promise<Handled> {
  const { tx, now } = ctx;
  if (PAYMENT_SOURCES.has(event.source) && event.fields.status === "paid" && event.orderRef.orderNo) {
    // Stock first: a repeat or a conflicting amount is decided by the payment reference, before
    // the event log would swallow the repeat as a duplicate event.
    const payment = await applyPayment({
      tx,
      settings: ctx.settings,
      now,
      orderNo: event.orderRef.orderNo,
      paymentId: (event.sourceEventId ?? "").replace(/^pay:/, ""),
      amount: Number(event.fields.amount),
      source: event.source,
    });
    if (payment.outcome === "conflict") {
      const [o] = await tx
        .select({ a: orders.statusAnchor })
        .from(orders)
        .where(eq(orders.orderNo, payment.orderNo));
      const anchor = o?.a ?? "";
      return {
        orderNo: payment.orderNo,
        eventId: null,
        duplicate: true,
        anchorBefore: anchor,
        anchorAfter: anchor,
        effects: [],
        flag: "payment_conflict",
        payment,
        listing: [],
      };
    }
    const applied = await applyEvent({ tx, rules: ctx.rules, now, event, inboxId: ctx.inboxId });
    // Our own orders learn when they were paid from the payment itself (channels send pay_time).
    await tx
      .update(orders)
      .set({ paidAt: event.eventTime })
      .where(and(eq(orders.orderNo, payment.orderNo), isNull(orders.paidAt)));
    return { ...applied, payment, listing: payment.listing };
  }

  const ret = await trackReturn(tx, event, now);
  if (ret) {
    const [o] = await tx
      .select({ a: orders.statusAnchor })
      .from(orders)
      .where(eq(orders.orderNo, ret.orderNo));
    const anchor = o?.a ?? "";
    return {
      orderNo: ret.orderNo,
      eventId: null,
      duplicate: false,
      anchorBefore: anchor,
      anchorAfter: anchor,
      effects: [],
      flag: "return_tracking",
      listing: [],
      returnTracked: { caseId: ret.caseId, state: ret.state },
    };
  }

  const applied = await applyEvent({ tx, rules: ctx.rules, now, event, inboxId: ctx.inboxId });
  if (applied.duplicate) return { ...applied, listing: [] };
  const extra = await afterSalesEffects(ctx, applied, event);
  const withExtra = <T extends Handled>(h: T): T => ({ ...h, ...extra });

  if (event.source === "miniapp" && event.fields.status === "created" && event.order) {
    const [held] = await tx
      .select({ id: reservations.id })
      .from(reservations)
      .where(eq(reservations.orderNo, applied.orderNo))
      .limit(1);
    if (held) return withExtra({ ...applied, listing: [] });
    const lines = sumLines(event.order.lines);
    const { results, listing } = await reserveBatch(
      tx,
      [{ orderNo: applied.orderNo, lines, expiresAt: now + ctx.settings.paymentTimeoutMs }],
      ctx.settings,
      now,
    );
    const r = results[0]!;
    if (!r.ok) {
      // The storefront already took the order: it cannot be refused, so a person must decide.
      await tx
        .update(orders)
        .set({ attention: "oversold_at_intake", updatedAt: now })
        .where(eq(orders.orderNo, applied.orderNo));
      await raiseAlert(tx, now, {
        kind: "oversold_at_intake",
        severity: "P1",
        orderNo: applied.orderNo,
        sku: r.sku,
        message: `order ${applied.orderNo} arrived by webhook but ${r.sku} has only ${r.available} available for ${r.requested}`,
        details: { sku: r.sku, requested: r.requested, available: r.available },
      });
      return withExtra({
        ...applied,
        oversold: { sku: r.sku, requested: r.requested, available: r.available },
        listing,
      });
    }
    return withExtra({ ...applied, listing });
  }
  return withExtra({ ...applied, listing: [] });
}

/** A new order from a frozen customer is held; a channel's refund status opens or closes its case. */
async function afterSalesEffects(ctx: HandleContext, applied: ApplyResult, event: CanonicalEvent) {
  const out: Pick<Handled, "held" | "caseOpened"> = {};
  if (!applied.anchorBefore) {
    const freeze = await holdIfFrozen(ctx.tx, applied.orderNo, ctx.now);
    if (freeze) out.held = { key: freeze.key, reason: freeze.reason };
  }
  for (const eff of applied.effects) {
    if (!eff.afterSale) continue;
    const opened = await syncChannelCase(ctx.tx, {
      orderNo: applied.orderNo,
      source: event.source,
      afterSale: eff.afterSale,
      rawStatus: event.rawStatus,
      now: ctx.now,
    });
    if (opened) out.caseOpened = { caseId: opened.id };
  }
  return out;
}
