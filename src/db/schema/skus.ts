import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Stock per SKU. `reserved` counts held, unpaid reservations; every change has a movement. */
export const skus = sqliteTable(
  "skus",
  {
    sku: text("sku").primaryKey(),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    safetyStock: integer("safety_stock").notNull().default(0),
    /** Unit cost in cents. */
    cost: integer("cost").notNull().default(0),
    listed: integer("listed", { mode: "boolean" }).notNull().default(true),
    /** Highest lock fencing token that wrote this row; a write with an older one is refused. */
    fence: integer("fence").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("skus_listed_idx").on(t.listed)],
);
