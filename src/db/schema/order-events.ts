import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export interface RuleEffect {
  ruleId: string;
  anchor?: string;
  afterSale?: "open" | "closed";
}

/** Append-only log of every source event applied to an order; the anchor can be recomputed from it. */
export const orderEvents = sqliteTable(
  "order_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderNo: text("order_no").notNull(),
    source: text("source").notNull(),
    kind: text("kind").notNull(),
    sourceEventId: text("source_event_id").notNull(),
    inboxId: integer("inbox_id"),
    eventTime: integer("event_time").notNull(),
    receivedAt: integer("received_at").notNull(),
    rawStatus: text("raw_status"),
    fields: text("fields", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    effects: text("effects", { mode: "json" }).$type<RuleEffect[]>().notNull(),
    /** unknown_status when no rule matched; shown on the interface-health board. */
    flag: text("flag"),
    anchorBefore: text("anchor_before"),
    anchorAfter: text("anchor_after"),
  },
  (t) => [
    uniqueIndex("order_events_source_event_idx").on(t.source, t.sourceEventId),
    index("order_events_order_idx").on(t.orderNo, t.eventTime),
    // Interface health reads each source's recent events (unknown status, out of order).
    index("order_events_source_received_idx").on(t.source, t.receivedAt),
  ],
);
