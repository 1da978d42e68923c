import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Who may do what in chat: a platform user id mapped to one role (SPEC §3). */
export const chatUsers = sqliteTable(
  "chat_users",
  {
    platform: text("platform").notNull(),
    userId: text("user_id").notNull(),
    role: text("role").notNull(),
    name: text("name"),
    addedBy: text("added_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.userId] })],
);

/**
 * Every inbound chat message and card click, stored before it is handled. The dedupe key
 * (WeCom MsgId or event key, DingTalk msgId) is unique: a platform retry finds its first copy.
 */
export const chatInbox = sqliteTable(
  "chat_inbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    platform: text("platform").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    kind: text("kind").notNull(),
    userId: text("user_id").notNull(),
    conversationId: text("conversation_id"),
    body: text("body").notNull(),
    receivedAt: integer("received_at").notNull(),
    handledAt: integer("handled_at"),
    error: text("error"),
  },
  (t) => [uniqueIndex("chat_inbox_dedupe_idx").on(t.platform, t.dedupeKey)],
);

/** Cards sent with buttons: what they showed, so a click can be answered and the card updated. */
export const chatCards = sqliteTable("chat_cards", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  subject: text("subject"),
  card: text("card", { mode: "json" }).notNull(),
  createdAt: integer("created_at").notNull(),
});

/** A decision taken on a card: the primary key makes the first valid click the only one. */
export const cardDecisions = sqliteTable("card_decisions", {
  cardId: text("card_id").primaryKey(),
  action: text("action").notNull(),
  payload: text("payload").notNull(),
  platform: text("platform").notNull(),
  decidedBy: text("decided_by").notNull(),
  decidedByName: text("decided_by_name"),
  outcome: text("outcome").notNull(),
  decidedAt: integer("decided_at").notNull(),
});

/** Who did what, when, from where: decisions, role changes, knowledge-base edits, refusals. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    platform: text("platform").notNull(),
    userId: text("user_id").notNull(),
    role: text("role"),
    action: text("action").notNull(),
    subject: text("subject"),
    cardId: text("card_id"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_log_subject_idx").on(t.subject), index("audit_log_at_idx").on(t.at)],
);

/** The knowledge base: keywords → a standard reply agents can paste (话术). */
export const kbEntries = sqliteTable("kb_entries", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  keyword: text("keyword").notNull().unique(),
  reply: text("reply").notNull(),
  updatedBy: text("updated_by"),
  updatedAt: integer("updated_at").notNull(),
});
