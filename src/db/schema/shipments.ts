import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const shipments = sqliteTable(
  "shipments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderNo: text("order_no").notNull(),
    waybillNo: text("waybill_no").notNull(),
    carrier: text("carrier"),
    state: text("state"),
    lastNodeText: text("last_node_text"),
    lastNodeAt: integer("last_node_at"),
    lastNodeArea: text("last_node_area"),
    pickedUpAt: integer("picked_up_at"),
    signedAt: integer("signed_at"),
    /** Event time of the newest tracking push applied; older pushes never overwrite. */
    eventTime: integer("event_time").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("shipments_waybill_idx").on(t.waybillNo), index("shipments_order_idx").on(t.orderNo)],
);
