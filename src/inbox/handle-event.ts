import { eq } from "drizzle-orm";
import { raiseAlert } from "../alerts/raise-alert.ts";
import type { RuleSet } from "../anchors/rules.ts";
import type { Tx } from "../db/client.ts";
import { orders, reservations } from "../db/schema/index.ts";
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
}

export interface Handled extends ApplyResult {
  payment?: PaymentResult;
  /** Set when an order from a webhook could not reserve its stock at intake. */
  oversold?: { sku: string; requested: number; available: number };
  listing: ListingChange[];
}

const PAYMENT_SOURCES = new Set(["payment", "wechatpay"]);

/**
 * What a source event does beyond the anchor: a payment deducts stock (once per reference), an
 * order created through a webhook reserves its stock like one created through the API.
 */
export async function handleEvent(ctx: HandleContext, event: CanonicalEvent): Promise<Handled> {
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
    return { ...applied, payment, listing: payment.listing };
  }

  const applied = await applyEvent({ tx, rules: ctx.rules, now, event, inboxId: ctx.inboxId });
  if (applied.duplicate) return { ...applied, listing: [] };

  if (event.source === "miniapp" && event.fields.status === "created" && event.order) {
    const [held] = await tx
      .select({ id: reservations.id })
      .from(reservations)
      .where(eq(reservations.orderNo, applied.orderNo))
      .limit(1);
    if (held) return { ...applied, listing: [] };
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
      return {
        ...applied,
        oversold: { sku: r.sku, requested: r.requested, available: r.available },
        listing,
      };
    }
    return { ...applied, listing };
  }
  return { ...applied, listing: [] };
}
