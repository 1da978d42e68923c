import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The last evaluated state of each interface-health signal per source, and when it was told. */
export const healthSignals = sqliteTable(
  "health_signals",
  {
    source: text("source").notNull(),
    signal: text("signal").notNull(),
    state: text("state").$type<"ok" | "warn">().notNull(),
    value: real("value").notNull(),
    threshold: real("threshold").notNull(),
    /** What a person reads: the measurement in words, the field that changed. */
    detail: text("detail").notNull(),
    /** Where to look: "inbox #123 response.order_list[].recipient_address.buyer_address_detail". */
    example: text("example"),
    /** When the state last changed. */
    since: integer("since").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** When a warning for this signal last went out (the rate limit), null if never. */
    notifiedAt: integer("notified_at"),
  },
  (t) => [primaryKey({ columns: [t.source, t.signal] })],
);
