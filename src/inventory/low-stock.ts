import { and, eq } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { restockOrders, skus } from "../db/schema/index.ts";
import { available, isLow, type StockSettings } from "./stock-math.ts";

export interface SkuState {
  sku: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  listed: boolean;
}

export type ListingChange = { sku: string; listed: boolean; restockOrderId: number | null };

/**
 * Decides whether a SKU should be listed after a change, and keeps the restock work order in
 * step: unlisting opens one for purchasing, relisting closes it. Returns the new `listed` flag
 * and what changed (for notifications), without writing the SKU row itself.
 */
export async function settleListing(
  tx: Tx,
  s: SkuState,
  settings: StockSettings,
  now: number,
): Promise<{ listed: boolean; change: ListingChange | null }> {
  const avail = available(s.onHand, s.reserved, settings.reserveRatio);
  const low = isLow(avail, s.safetyStock, settings.lowStockRatio);
  if (low && s.listed) {
    const [wo] = await tx
      .insert(restockOrders)
      .values({
        sku: s.sku,
        status: "open",
        suggestedQty: Math.max(1, s.safetyStock - avail),
        reason: `available ${avail} < ${Math.round(settings.lowStockRatio * 100)}% of safety stock ${s.safetyStock}`,
        openedAt: now,
      })
      .returning({ id: restockOrders.id });
    return { listed: false, change: { sku: s.sku, listed: false, restockOrderId: wo!.id } };
  }
  if (!low && !s.listed) {
    await tx
      .update(restockOrders)
      .set({ status: "closed", closedAt: now, closedReason: "restocked above the low-stock line" })
      .where(and(eq(restockOrders.sku, s.sku), eq(restockOrders.status, "open")));
    return { listed: true, change: { sku: s.sku, listed: true, restockOrderId: null } };
  }
  return { listed: s.listed, change: null };
}

/** After a change to a SKU made elsewhere: re-read it, settle its listing, store the flag. */
export async function relist(
  tx: Tx,
  sku: string,
  settings: StockSettings,
  now: number,
): Promise<ListingChange | null> {
  const [s] = await tx.select().from(skus).where(eq(skus.sku, sku));
  if (!s) return null;
  const settled = await settleListing(tx, s, settings, now);
  if (settled.change) await tx.update(skus).set({ listed: settled.listed }).where(eq(skus.sku, sku));
  return settled.change;
}
