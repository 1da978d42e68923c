import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The paid-order wide table (SPEC §2.5): one row per order once payment succeeded, recomputed
 * from the order's current state after every event that touches it (src/facts/refresh-fact.ts).
 * Every column's source, rule and owner is in src/facts/columns.ts, which also holds the SQL that
 * fills it, so the lineage shown to people is the code that runs.
 */
export const orderFacts = sqliteTable(
  "order_facts",
  {
    orderNo: text("order_no").primaryKey(),
    channel: text("channel").notNull(),
    statusAnchor: text("status_anchor").notNull(),
    buyerKey: text("buyer_key").notNull(),
    /** 1 when this is the buyer's earliest paid order (by paid_at, then order_no). */
    buyerFirst: integer("buyer_first").notNull().default(0),
    province: text("province"),
    city: text("city"),
    createdAt: integer("created_at").notNull(),
    paidAt: integer("paid_at").notNull(),
    orderAmount: integer("order_amount").notNull(),
    discountTotal: integer("discount_total").notNull(),
    discountFullReduction: integer("discount_full_reduction").notNull(),
    discountCoupon: integer("discount_coupon").notNull(),
    discountPoints: integer("discount_points").notNull(),
    discountOther: integer("discount_other").notNull(),
    shippingFee: integer("shipping_fee").notNull(),
    shippingIncome: integer("shipping_income").notNull(),
    actualPaid: integer("actual_paid").notNull(),
    lineCount: integer("line_count").notNull(),
    units: integer("units").notNull(),
    shippedAt: integer("shipped_at"),
    pickedUpAt: integer("picked_up_at"),
    deliveredAt: integer("delivered_at"),
    cancelledAt: integer("cancelled_at"),
    aftersaleCount: integer("aftersale_count").notNull(),
    returnCount: integer("return_count").notNull(),
    aftersaleResolved: integer("aftersale_resolved").notNull(),
    aftersaleHandleMs: integer("aftersale_handle_ms").notNull(),
    refundCount: integer("refund_count").notNull(),
    refundAmount: integer("refund_amount").notNull(),
    refundShipping: integer("refund_shipping").notNull(),
    oversold: integer("oversold").notNull(),
    refreshedAt: integer("refreshed_at").notNull(),
  },
  (t) => [
    // A month by channel reads only this index (the hot metric columns ride along).
    index("order_facts_paid_idx").on(
      t.paidAt,
      t.channel,
      t.actualPaid,
      t.orderAmount,
      t.buyerKey,
      t.shippingIncome,
      t.discountTotal,
      t.units,
    ),
    index("order_facts_buyer_idx").on(t.buyerKey, t.paidAt, t.orderNo),
  ],
);
