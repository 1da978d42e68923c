import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per order: the status anchor and the money as the latest snapshot says. */
export const orders = sqliteTable(
  "orders",
  {
    orderNo: text("order_no").primaryKey(),
    channel: text("channel").notNull(),
    statusAnchor: text("status_anchor").notNull(),
    anchorRuleId: text("anchor_rule_id"),
    anchorEventId: integer("anchor_event_id"),
    anchorChangedAt: integer("anchor_changed_at"),
    buyerId: text("buyer_id"),
    buyerPhone: text("buyer_phone"),
    currency: text("currency").notNull().default("CNY"),
    orderAmount: integer("order_amount"),
    shippingFee: integer("shipping_fee"),
    shippingBorneBy: text("shipping_borne_by"),
    discountTotal: integer("discount_total"),
    actualPaid: integer("actual_paid"),
    /** Event time of the snapshot the money and lines come from; older snapshots never overwrite. */
    snapshotEventTime: integer("snapshot_event_time"),
    createdAt: integer("created_at").notNull(),
    paidAt: integer("paid_at"),
    /** Set when a person must act: manual_handling (paid without stock), oversold_at_intake. */
    attention: text("attention"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // 查单 by phone (newest first) and the alert rules' "orders of this phone in the last hour".
    index("orders_buyer_phone_idx").on(t.buyerPhone, t.createdAt),
    index("orders_updated_at_idx").on(t.updatedAt),
    index("orders_anchor_idx").on(t.statusAnchor),
    // Daily figures and metrics read orders by the day they were created or paid.
    index("orders_created_at_idx").on(t.createdAt),
    index("orders_paid_at_idx").on(t.paidAt),
  ],
);
