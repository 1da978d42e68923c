import { and, eq, gte, sql } from "drizzle-orm";
import { raiseAlert } from "../alerts/raise-alert.ts";
import type { Tx } from "../db/client.ts";
import { orders, payments, reservations, skus, stockMovements } from "../db/schema/index.ts";
import { type ListingChange, relist } from "./low-stock.ts";
import { reservable, type StockSettings } from "./stock-math.ts";

export type PaymentOutcome = "deducted" | "re_reserved" | "manual_handling" | "no_reservation" | "conflict";

export interface PaymentResult {
  orderNo: string;
  paymentId: string;
  outcome: PaymentOutcome;
  /** True when this payment reference was seen before: nothing changed. */
  repeated: boolean;
  /** For a conflict: the amount first recorded under this reference. */
  recordedAmount?: number;
  listing: ListingChange[];
}

const deduction = (r: { sku: string; qty: number }, orderNo: string, paymentId: string, now: number) => ({
  sku: r.sku,
  kind: "deduct" as const,
  deltaOnHand: -r.qty,
  deltaReserved: -r.qty,
  orderNo,
  ref: paymentId,
  at: now,
});

/**
 * Payment success deducts the order's held stock exactly once per payment reference:
 * `on_hand -= qty, reserved -= qty`, each as a conditional UPDATE that can never take a count
 * below zero. A repeat is a no-op; the same reference with another amount changes nothing, raises
 * an alert and answers `conflict`.
 * When the reservation already expired, the stock is taken again if it is still free, else the
 * order goes to manual handling (refund or restock) with an alert.
 */
export async function applyPayment(args: {
  tx: Tx;
  settings: StockSettings;
  now: number;
  orderNo: string;
  paymentId: string;
  amount: number;
  source: string;
}): Promise<PaymentResult> {
  const { tx, settings, now, orderNo, paymentId, amount } = args;
  const [seen] = await tx.select().from(payments).where(eq(payments.paymentId, paymentId));
  if (seen) {
    if (seen.amount !== amount || seen.orderNo !== orderNo) {
      await raiseAlert(tx, now, {
        kind: "payment_conflict",
        severity: "P1",
        orderNo,
        message: `payment ${paymentId} arrived again with ${amount} for ${orderNo}; first seen with ${seen.amount} for ${seen.orderNo}`,
        details: { paymentId, amount, orderNo, first: { amount: seen.amount, orderNo: seen.orderNo } },
      });
      // Not thrown: the alert must survive; the caller turns the outcome into a refusal.
      return {
        orderNo,
        paymentId,
        outcome: "conflict",
        repeated: true,
        recordedAmount: seen.amount,
        listing: [],
      };
    }
    return { orderNo, paymentId, outcome: seen.outcome as PaymentOutcome, repeated: true, listing: [] };
  }

  const held = await tx.select().from(reservations).where(eq(reservations.orderNo, orderNo));
  const listing: ListingChange[] = [];
  let outcome: PaymentOutcome = held.length === 0 ? "no_reservation" : "deducted";

  for (const r of held) {
    if (r.status === "paid") continue;
    if (r.status === "held") {
      // held → paid is the one transition that deducts; the expiry job's held → expired races it
      // inside the same writer, and whichever comes first wins.
      const moved = await tx
        .update(reservations)
        .set({ status: "paid", settledAt: now, paymentId })
        .where(and(eq(reservations.id, r.id), eq(reservations.status, "held")));
      if (moved.rowsAffected !== 1) continue;
      const res = await tx
        .update(skus)
        .set({
          onHand: sql`${skus.onHand} - ${r.qty}`,
          reserved: sql`${skus.reserved} - ${r.qty}`,
          updatedAt: now,
        })
        .where(and(eq(skus.sku, r.sku), gte(skus.reserved, r.qty), gte(skus.onHand, r.qty)));
      if (res.rowsAffected !== 1)
        throw new Error(`stock ledger of ${r.sku} cannot cover reservation ${r.id}`);
      await tx.insert(stockMovements).values(deduction(r, orderNo, paymentId, now));
    } else {
      // Expired: take the units again if they are still free (reserved + qty <= floor(on_hand × ratio)).
      const [s] = await tx.select().from(skus).where(eq(skus.sku, r.sku));
      if (!s || s.reserved + r.qty > reservable(s.onHand, settings.reserveRatio) || s.onHand < r.qty) {
        outcome = "manual_handling";
        continue;
      }
      const res = await tx
        .update(skus)
        .set({ onHand: sql`${skus.onHand} - ${r.qty}`, updatedAt: now })
        .where(and(eq(skus.sku, r.sku), eq(skus.onHand, s.onHand), eq(skus.reserved, s.reserved)));
      if (res.rowsAffected !== 1) throw new Error(`stock of ${r.sku} changed during re-reservation`);
      await tx
        .update(reservations)
        .set({ status: "paid", settledAt: now, paymentId })
        .where(eq(reservations.id, r.id));
      await tx.insert(stockMovements).values([
        {
          sku: r.sku,
          kind: "reserve",
          deltaOnHand: 0,
          deltaReserved: r.qty,
          orderNo,
          ref: paymentId,
          note: "re-reserved: paid after expiry",
          at: now,
        },
        deduction(r, orderNo, paymentId, now),
      ]);
      if (outcome === "deducted") outcome = "re_reserved";
    }
    const change = await relist(tx, r.sku, settings, now);
    if (change) listing.push(change);
  }

  if (outcome === "manual_handling") {
    await tx
      .update(orders)
      .set({ attention: "manual_handling", updatedAt: now })
      .where(eq(orders.orderNo, orderNo));
    await raiseAlert(tx, now, {
      kind: "paid_without_stock",
      severity: "P1",
      orderNo,
      message: `order ${orderNo} was paid (${paymentId}) after its reservation expired and the stock is gone: refund or restock`,
      details: { paymentId, amount },
    });
  }
  await tx
    .insert(payments)
    .values({ paymentId, orderNo, amount, source: args.source, outcome, receivedAt: now });
  return { orderNo, paymentId, outcome, repeated: false, listing };
}
