import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A buyer as a channel knows them; id is `<channel>:<channel's buyer id>`. */
export const buyers = sqliteTable(
  "buyers",
  {
    id: text("id").primaryKey(),
    channel: text("channel").notNull(),
    externalId: text("external_id").notNull(),
    nick: text("nick"),
    phone: text("phone"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("buyers_phone_idx").on(t.phone)],
);
