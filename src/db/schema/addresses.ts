import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The shipping address of an order, as the latest snapshot gives it. */
export const addresses = sqliteTable(
  "addresses",
  {
    orderNo: text("order_no").primaryKey(),
    name: text("name"),
    phone: text("phone"),
    province: text("province"),
    city: text("city"),
    district: text("district"),
    detail: text("detail"),
  },
  // The alert rule "many buyers, one address" looks orders up by their address.
  (t) => [index("addresses_detail_idx").on(t.detail)],
);
