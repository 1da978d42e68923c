import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** What each source last reported for an order (by event time), kept raw and never shown as "the" status. */
export const sourceStatuses = sqliteTable(
  "source_statuses",
  {
    orderNo: text("order_no").notNull(),
    source: text("source").notNull(),
    rawStatus: text("raw_status"),
    fields: text("fields", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    eventTime: integer("event_time").notNull(),
    eventId: integer("event_id").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderNo, t.source] })],
);
