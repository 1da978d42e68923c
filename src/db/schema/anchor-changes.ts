import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Every time an order's anchor actually changed, with the event and rule that caused it. */
export const anchorChanges = sqliteTable(
  "anchor_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderNo: text("order_no").notNull(),
    fromAnchor: text("from_anchor"),
    toAnchor: text("to_anchor").notNull(),
    eventId: integer("event_id"),
    ruleId: text("rule_id"),
    changedAt: integer("changed_at").notNull(),
  },
  (t) => [index("anchor_changes_order_idx").on(t.orderNo)],
);
