import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { reservations, skus, stockMovements } from "../db/schema/index.ts";
import { type ListingChange, relist } from "./low-stock.ts";
import type { StockSettings } from "./stock-math.ts";

/**
 * An order stopped before it left the warehouse gives its stock back: a held reservation is
 * released, a paid one returns its units to on-hand. Conditional updates, so racing the expiry
 * job or a payment moves each reservation once.
 */
export async function cancelReservations(
  tx: Tx,
  input: { orderNo: string; reason: string; settings: StockSettings; now: number },
): Promise<{ units: number; listing: ListingChange[] }> {
  const { orderNo, now } = input;
  const rows = await tx
    .select()
    .from(reservations)
    .where(and(eq(reservations.orderNo, orderNo), inArray(reservations.status, ["held", "paid"])));
  let units = 0;
  const touched = new Set<string>();
  for (const r of rows) {
    const moved = await tx
      .update(reservations)
      .set({ status: "cancelled", settledAt: now })
      .where(and(eq(reservations.id, r.id), eq(reservations.status, r.status)));
    if (moved.rowsAffected !== 1) continue;
    const held = r.status === "held";
    const res = await tx
      .update(skus)
      .set(
        held
          ? { reserved: sql`${skus.reserved} - ${r.qty}`, updatedAt: now }
          : { onHand: sql`${skus.onHand} + ${r.qty}`, updatedAt: now },
      )
      .where(held ? and(eq(skus.sku, r.sku), gte(skus.reserved, r.qty)) : eq(skus.sku, r.sku));
    if (res.rowsAffected !== 1) throw new Error(`stock of ${r.sku} does not match reservation ${r.id}`);
    await tx.insert(stockMovements).values({
      sku: r.sku,
      kind: held ? "release" : "return",
      deltaOnHand: held ? 0 : r.qty,
      deltaReserved: held ? -r.qty : 0,
      orderNo,
      ref: `reservation:${r.id}`,
      note: input.reason,
      at: now,
    });
    touched.add(r.sku);
    units += r.qty;
  }
  const listing: ListingChange[] = [];
  for (const sku of touched) {
    const change = await relist(tx, sku, input.settings, now);
    if (change) listing.push(change);
  }
  return { units, listing };
}
