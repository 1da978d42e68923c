import { blob, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export type InboxStatus = "received" | "processed" | "failed" | "dead" | "rejected" | "duplicate";

/** Every inbound push, stored raw before anything else happens to it. */
export const inbox = sqliteTable(
  "inbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source").notNull(),
    kind: text("kind"),
    receivedAt: integer("received_at").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    body: blob("body", { mode: "buffer" }),
    bodySize: integer("body_size").notNull(),
    bodyHash: text("body_hash"),
    /** Source event id or body hash; unique per source so a redelivery cannot be stored twice as new. */
    dedupeKey: text("dedupe_key"),
    status: text("status").$type<InboxStatus>().notNull(),
    rejectReason: text("reject_reason"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    processedAt: integer("processed_at"),
    duplicateOf: integer("duplicate_of"),
  },
  (t) => [
    uniqueIndex("inbox_dedupe_idx").on(t.source, t.dedupeKey),
    index("inbox_status_idx").on(t.status, t.nextAttemptAt),
    index("inbox_source_received_idx").on(t.source, t.receivedAt),
  ],
);
