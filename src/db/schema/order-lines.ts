import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const orderLines = sqliteTable(
  "order_lines",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderNo: text("order_no").notNull(),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    name: text("name"),
    qty: integer("qty").notNull(),
    unitPrice: integer("unit_price").notNull(),
    amount: integer("amount"),
    promoTag: text("promo_tag"),
  },
  (t) => [index("order_lines_order_idx").on(t.orderNo), index("order_lines_sku_idx").on(t.sku)],
);
