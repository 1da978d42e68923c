import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Reader, Tx } from "../db/client.ts";
import { restockOrders, skus, stockMovements } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { type ListingChange, settleListing } from "./low-stock.ts";
import { available, type StockSettings } from "./stock-math.ts";

export interface SkuInput {
  onHand?: number;
  safetyStock?: number;
  cost?: number;
}

/**
 * Sets a SKU's on_hand, safety stock and cost (creating it if new). A change of on_hand is an
 * `adjust` movement; on_hand can never go below what is reserved.
 */
export async function setSku(args: {
  tx: Tx;
  settings: StockSettings;
  now: number;
  sku: string;
  input: SkuInput;
  by: string;
}): Promise<{ listing: ListingChange | null }> {
  const { tx, now, sku, input } = args;
  const [cur] = await tx.select().from(skus).where(eq(skus.sku, sku));
  if (!cur && input.onHand === undefined) {
    throw new AppError("bad_request", `SKU ${sku} is new: on_hand is required`);
  }
  const onHand = input.onHand ?? cur!.onHand;
  const reserved = cur?.reserved ?? 0;
  if (onHand < reserved) {
    throw new AppError(
      "conflict",
      `on_hand cannot go below the ${reserved} units reserved for unpaid orders`,
      {
        reserved,
      },
    );
  }
  const state = {
    sku,
    onHand,
    reserved,
    safetyStock: input.safetyStock ?? cur?.safetyStock ?? 0,
    listed: cur?.listed ?? true,
  };
  const settled = await settleListing(tx, state, args.settings, now);
  const values = {
    onHand,
    safetyStock: state.safetyStock,
    cost: input.cost ?? cur?.cost ?? 0,
    listed: settled.listed,
    updatedAt: now,
  };
  if (!cur) await tx.insert(skus).values({ sku, reserved: 0, ...values });
  else {
    const res = await tx
      .update(skus)
      .set(values)
      .where(and(eq(skus.sku, sku), eq(skus.onHand, cur.onHand), eq(skus.reserved, cur.reserved)));
    if (res.rowsAffected !== 1) throw new AppError("conflict", `stock of ${sku} changed meanwhile; retry`);
  }
  const delta = onHand - (cur?.onHand ?? 0);
  if (delta !== 0) {
    await tx.insert(stockMovements).values({
      sku,
      kind: "adjust",
      deltaOnHand: delta,
      deltaReserved: 0,
      ref: args.by,
      note: cur ? `on_hand ${cur.onHand} → ${onHand}` : `created with on_hand ${onHand}`,
      at: now,
    });
  }
  return { listing: settled.change };
}

export function skuView(
  s: typeof skus.$inferSelect,
  settings: StockSettings,
): {
  sku: string;
  on_hand: number;
  reserved: number;
  available: number;
  safety_stock: number;
  cost: number;
  listed: boolean;
  safety_ratio: number | null;
} {
  const avail = available(s.onHand, s.reserved, settings.reserveRatio);
  return {
    sku: s.sku,
    on_hand: s.onHand,
    reserved: s.reserved,
    available: avail,
    safety_stock: s.safetyStock,
    cost: s.cost,
    listed: s.listed,
    safety_ratio: s.safetyStock > 0 ? Math.round((avail / s.safetyStock) * 1000) / 1000 : null,
  };
}

export async function getSku(args: { db: Reader; settings: StockSettings; sku: string; movements?: number }) {
  const [s] = await args.db.select().from(skus).where(eq(skus.sku, args.sku));
  if (!s) throw new AppError("not_found", `SKU ${args.sku} not found`);
  const [moves, restock] = await Promise.all([
    args.db
      .select()
      .from(stockMovements)
      .where(eq(stockMovements.sku, args.sku))
      .orderBy(desc(stockMovements.id))
      .limit(args.movements ?? 20),
    args.db
      .select()
      .from(restockOrders)
      .where(and(eq(restockOrders.sku, args.sku), eq(restockOrders.status, "open"))),
  ]);
  return {
    ...skuView(s, args.settings),
    restock_order: restock[0]
      ? {
          id: restock[0].id,
          suggested_qty: restock[0].suggestedQty,
          reason: restock[0].reason,
          opened_at: new Date(restock[0].openedAt).toISOString(),
        }
      : null,
    movements: moves.map((m) => ({
      id: m.id,
      kind: m.kind,
      delta_on_hand: m.deltaOnHand,
      delta_reserved: m.deltaReserved,
      order_no: m.orderNo,
      ref: m.ref,
      note: m.note,
      at: new Date(m.at).toISOString(),
    })),
  };
}

/** The stock-level board: SKUs below their safety line, closest to empty first. */
export async function listSkusBelowSafety(args: { db: Reader; settings: StockSettings; limit?: number }) {
  const ratio = args.settings.reserveRatio;
  // available = floor(on_hand × ratio) − reserved, computed in SQL so the filter uses the same rule.
  const avail = sql<number>`max(0, cast(${skus.onHand} * ${ratio} + 1e-9 as integer) - ${skus.reserved})`;
  const rows = await args.db
    .select()
    .from(skus)
    .where(sql`${skus.safetyStock} > 0 and ${avail} < ${skus.safetyStock}`)
    .orderBy(asc(sql`1.0 * ${avail} / ${skus.safetyStock}`), asc(skus.sku))
    .limit(args.limit ?? 200);
  return rows.map((s) => skuView(s, args.settings));
}

export async function listSkus(args: { db: Reader; settings: StockSettings; limit?: number }) {
  const rows = await args.db
    .select()
    .from(skus)
    .orderBy(asc(skus.sku))
    .limit(args.limit ?? 500);
  return rows.map((s) => skuView(s, args.settings));
}

/** The stock-level board: SKUs with a safety line, nearest to (or furthest below) it first. */
export async function stockBoard(args: { db: Reader; settings: StockSettings; limit?: number }) {
  const ratio = args.settings.reserveRatio;
  const avail = sql<number>`max(0, cast(${skus.onHand} * ${ratio} + 1e-9 as integer) - ${skus.reserved})`;
  const rows = await args.db
    .select()
    .from(skus)
    .where(sql`${skus.safetyStock} > 0`)
    .orderBy(asc(skus.listed), asc(sql`1.0 * ${avail} / ${skus.safetyStock}`), asc(skus.sku))
    .limit(args.limit ?? 20);
  return rows.map((s) => skuView(s, args.settings));
}
