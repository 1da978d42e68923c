import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const orderDiscounts = sqliteTable(
  "order_discounts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderNo: text("order_no").notNull(),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    amount: integer("amount").notNull(),
  },
  (t) => [index("order_discounts_order_idx").on(t.orderNo)],
);
