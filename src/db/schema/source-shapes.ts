import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The learned shape of each source's payloads (per kind): one row per field path, with its types,
 * an example value and the inbox row it was first seen in. The path "$" counts the payloads, so
 * `first_seq`/`last_seq` (the payload number when a path was first/last seen) tell a field that
 * arrived late (new) or stopped arriving (missing) from one that is learned.
 */
export const sourceShapes = sqliteTable(
  "source_shapes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source").notNull(),
    kind: text("kind").notNull(),
    path: text("path").notNull(),
    /** Every JSON type seen at the path, sorted, joined by "|": "number", "null|string". */
    types: text("types").notNull(),
    example: text("example"),
    firstInboxId: integer("first_inbox_id"),
    firstSeenAt: integer("first_seen_at").notNull(),
    firstSeq: integer("first_seq").notNull(),
    lastSeq: integer("last_seq").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    lastInboxId: integer("last_inbox_id"),
    seen: integer("seen").notNull(),
    /** Set when an established path arrived with a type it never had. */
    changedAt: integer("changed_at"),
    changedInboxId: integer("changed_inbox_id"),
    changedFrom: text("changed_from"),
  },
  (t) => [uniqueIndex("source_shapes_path_idx").on(t.source, t.kind, t.path)],
);
