import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A restock work order for purchasing, opened when a SKU is unlisted for low stock. */
export const restockOrders = sqliteTable(
  "restock_orders",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sku: text("sku").notNull(),
    status: text("status").$type<"open" | "closed">().notNull(),
    /** Units that bring available stock back to the safety line, when opened. */
    suggestedQty: integer("suggested_qty").notNull(),
    reason: text("reason").notNull(),
    openedAt: integer("opened_at").notNull(),
    closedAt: integer("closed_at"),
    closedReason: text("closed_reason"),
  },
  (t) => [index("restock_orders_sku_idx").on(t.sku, t.status)],
);
