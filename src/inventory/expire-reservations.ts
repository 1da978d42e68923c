import { and, asc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { reservations, skus, stockMovements } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";
import { type ListingChange, relist } from "./low-stock.ts";
import type { StockSettings } from "./stock-math.ts";

export interface ExpiredOrder {
  orderNo: string;
  lines: Array<{ sku: string; qty: number }>;
  expiredAt: number;
}

/**
 * Releases reservations still unpaid at their expiry. State lives in the database, not in
 * timers, so a restart loses nothing. held → expired is a conditional update inside the writer:
 * a payment racing it either got there first (nothing to release) or finds it expired.
 */
export async function expireReservations(args: {
  db: Reader;
  writer: Writer;
  settings: StockSettings;
  now: number;
  limit?: number;
}): Promise<{ orders: ExpiredOrder[]; units: number; listing: ListingChange[] }> {
  const { writer, settings, now } = args;
  const due = await args.db
    .select({ id: reservations.id })
    .from(reservations)
    .where(and(eq(reservations.status, "held"), lte(reservations.expiresAt, now)))
    .orderBy(asc(reservations.expiresAt))
    .limit(args.limit ?? 1000);
  if (due.length === 0) return { orders: [], units: 0, listing: [] };

  return writer.run(async (tx) => {
    const rows = await tx
      .select()
      .from(reservations)
      .where(
        and(
          inArray(
            reservations.id,
            due.map((d) => d.id),
          ),
          eq(reservations.status, "held"),
        ),
      );
    const byOrder = new Map<string, ExpiredOrder>();
    const touched = new Set<string>();
    let units = 0;
    for (const r of rows) {
      const moved = await tx
        .update(reservations)
        .set({ status: "expired", settledAt: now })
        .where(and(eq(reservations.id, r.id), eq(reservations.status, "held")));
      if (moved.rowsAffected !== 1) continue;
      const res = await tx
        .update(skus)
        .set({ reserved: sql`${skus.reserved} - ${r.qty}`, updatedAt: now })
        .where(and(eq(skus.sku, r.sku), gte(skus.reserved, r.qty)));
      if (res.rowsAffected !== 1) throw new Error(`reserved count of ${r.sku} is below reservation ${r.id}`);
      await tx.insert(stockMovements).values({
        sku: r.sku,
        kind: "release",
        deltaOnHand: 0,
        deltaReserved: -r.qty,
        orderNo: r.orderNo,
        ref: `reservation:${r.id}`,
        note: "unpaid at expiry",
        at: now,
      });
      const o = byOrder.get(r.orderNo) ?? { orderNo: r.orderNo, lines: [], expiredAt: r.expiresAt };
      o.lines.push({ sku: r.sku, qty: r.qty });
      byOrder.set(r.orderNo, o);
      touched.add(r.sku);
      units += r.qty;
    }
    const listing: ListingChange[] = [];
    for (const sku of touched) {
      const change = await relist(tx, sku, settings, now);
      if (change) listing.push(change);
    }
    return { orders: [...byOrder.values()], units, listing };
  });
}
