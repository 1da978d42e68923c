import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Each payment reference once: a repeat is a no-op, the same reference with another amount is refused. */
export const payments = sqliteTable(
  "payments",
  {
    paymentId: text("payment_id").primaryKey(),
    orderNo: text("order_no").notNull(),
    amount: integer("amount").notNull(),
    source: text("source").notNull(),
    /** deducted | re_reserved | manual_handling | no_reservation */
    outcome: text("outcome").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("payments_order_idx").on(t.orderNo)],
);
