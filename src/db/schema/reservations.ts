import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export type ReservationStatus = "held" | "paid" | "expired" | "cancelled";

/** One row per order and SKU (lines of one SKU summed); held until paid or expired. */
export const reservations = sqliteTable(
  "reservations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderNo: text("order_no").notNull(),
    sku: text("sku").notNull(),
    qty: integer("qty").notNull(),
    status: text("status").$type<ReservationStatus>().notNull(),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
    settledAt: integer("settled_at"),
    /** The payment that settled it (paid), if any. */
    paymentId: text("payment_id"),
  },
  (t) => [
    uniqueIndex("reservations_order_sku_idx").on(t.orderNo, t.sku),
    index("reservations_status_expiry_idx").on(t.status, t.expiresAt),
  ],
);
