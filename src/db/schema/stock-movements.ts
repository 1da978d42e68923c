import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type MovementKind = "reserve" | "release" | "deduct" | "return" | "adjust";

/** Append-only stock ledger: summing the deltas per SKU gives on_hand and reserved. */
export const stockMovements = sqliteTable(
  "stock_movements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sku: text("sku").notNull(),
    kind: text("kind").$type<MovementKind>().notNull(),
    deltaOnHand: integer("delta_on_hand").notNull(),
    deltaReserved: integer("delta_reserved").notNull(),
    orderNo: text("order_no"),
    /** Payment id, reservation id, or who adjusted. */
    ref: text("ref"),
    note: text("note"),
    at: integer("at").notNull(),
  },
  (t) => [index("stock_movements_sku_idx").on(t.sku, t.id), index("stock_movements_order_idx").on(t.orderNo)],
);
