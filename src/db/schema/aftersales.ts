import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export type AftersaleKind = "refund_only" | "return_refund" | "exchange";
/**
 * open → (refund approved) refunded / (return scanned) received → closed; or rejected.
 * A return-and-refund case closes once both happened; refund-only once refunded; exchange once received.
 */
export type AftersaleStatus = "open" | "refunded" | "received" | "closed" | "rejected";

export interface CaseLine {
  lineNo: number;
  sku: string;
  qty: number;
}

/** The order's money as it was when the case opened (SPEC §2.4: copies, not references). */
export interface CaseMoney {
  orderAmount: number;
  actualPaid: number;
  shippingFee: number;
  shippingBorneBy: "buyer" | "seller";
  lines: { lineNo: number; sku: string; qty: number; unitPrice: number }[];
  discounts: {
    kind: "full_reduction" | "coupon" | "points" | "other";
    name: string | null;
    amount: number;
  }[];
}

/** One after-sales case, always hanging off an order. */
export const aftersaleCases = sqliteTable(
  "aftersale_cases",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderNo: text("order_no").notNull(),
    channel: text("channel").notNull(),
    kind: text("kind").$type<AftersaleKind>().notNull(),
    status: text("status").$type<AftersaleStatus>().notNull(),
    source: text("source").notNull(),
    /** The channel's refund reference, for cases a channel opened. */
    channelRef: text("channel_ref"),
    reason: text("reason"),
    buyerId: text("buyer_id"),
    buyerPhone: text("buyer_phone"),
    lines: text("lines", { mode: "json" }).$type<CaseLine[]>().notNull(),
    money: text("money", { mode: "json" }).$type<CaseMoney>().notNull(),
    claimedBy: text("claimed_by"),
    returnWaybill: text("return_waybill"),
    returnState: text("return_state"),
    receivedAt: integer("received_at"),
    /** Unit cost × returned units, reversed when the goods came back. */
    costReversed: integer("cost_reversed"),
    slaEscalatedAt: integer("sla_escalated_at"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    /** Last time anyone acted on the case; the SLA clock runs from here. */
    touchedAt: integer("touched_at").notNull(),
    resolvedAt: integer("resolved_at"),
    resolution: text("resolution"),
  },
  (t) => [
    index("aftersale_cases_order_idx").on(t.orderNo),
    index("aftersale_cases_status_idx").on(t.status, t.touchedAt),
    index("aftersale_cases_return_waybill_idx").on(t.returnWaybill),
    uniqueIndex("aftersale_cases_channel_ref_idx").on(t.orderNo, t.channelRef),
  ],
);

/** An approved refund; the unique case id makes two concurrent approvals write one voucher. */
export const refunds = sqliteTable(
  "refunds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: integer("case_id").notNull().unique(),
    orderNo: text("order_no").notNull(),
    total: integer("total").notNull(),
    shipping: integer("shipping").notNull(),
    pointsReturned: integer("points_returned").notNull(),
    /** For channel orders: what the channel must pay back to the buyer. */
    channelAmount: integer("channel_amount"),
    approvedBy: text("approved_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("refunds_order_idx").on(t.orderNo), index("refunds_created_at_idx").on(t.createdAt)],
);

/** The voucher: one row per refunded line per component (goods, 满减, 优惠券, 积分, other, shipping). */
export const refundRows = sqliteTable(
  "refund_rows",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    refundId: integer("refund_id").notNull(),
    orderNo: text("order_no").notNull(),
    lineNo: integer("line_no"),
    sku: text("sku"),
    qty: integer("qty").notNull(),
    component: text("component").notNull(),
    name: text("name"),
    amount: integer("amount").notNull(),
  },
  (t) => [index("refund_rows_refund_idx").on(t.refundId), index("refund_rows_order_idx").on(t.orderNo)],
);

/** Every scan of an order QR code at the warehouse, accepted or refused, with the reason. */
export const returnScans = sqliteTable(
  "return_scans",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    orderNo: text("order_no"),
    caseId: integer("case_id"),
    result: text("result").notNull(),
    by: text("by"),
    at: integer("at").notNull(),
  },
  (t) => [index("return_scans_order_idx").on(t.orderNo)],
);

/** A frozen customer: their new orders are held for review until the freeze is lifted. */
export const buyerFreezes = sqliteTable("buyer_freezes", {
  /** A buyer id (`<channel>:<id>`) or a phone number. */
  key: text("key").primaryKey(),
  reason: text("reason").notNull(),
  caseId: integer("case_id"),
  frozenBy: text("frozen_by").notNull(),
  frozenAt: integer("frozen_at").notNull(),
});
