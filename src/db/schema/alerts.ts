import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Something a person must look at: a payment conflict, an order paid without stock, … */
export const alerts = sqliteTable(
  "alerts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    severity: text("severity").$type<"P1" | "P2" | "P3">().notNull(),
    orderNo: text("order_no"),
    sku: text("sku"),
    message: text("message").notNull(),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<"open" | "resolved">().notNull().default("open"),
    createdAt: integer("created_at").notNull(),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [index("alerts_status_idx").on(t.status, t.createdAt), index("alerts_order_idx").on(t.orderNo)],
);
