import { listingNotices } from "../src/deps.ts";
import { expireReservations } from "../src/inventory/expire-reservations.ts";
import type { Job } from "./types.ts";

/** Every minute: release reservations unpaid after PAYMENT_TIMEOUT and tell ops which orders lost them. */
export const expireReservationsJob: Job = {
  name: "expire-reservations",
  cron: "* * * * *",
  description: "release stock held by orders unpaid after PAYMENT_TIMEOUT",
  async run(deps, now, progress) {
    let orders = 0;
    let units = 0;
    for (;;) {
      const out = await expireReservations({
        db: deps.db,
        writer: deps.writer,
        settings: deps.settings,
        now,
        limit: 1000,
      });
      if (out.orders.length === 0) break;
      orders += out.orders.length;
      units += out.units;
      listingNotices(deps.notifier, out.listing);
      const list = out.orders
        .slice(0, 20)
        .map((o) => `${o.orderNo} (${o.lines.map((l) => `${l.sku}×${l.qty}`).join(", ")})`)
        .join("; ");
      await deps.notifier.send({
        to: "ops",
        severity: "P3",
        title: `${out.orders.length} 笔未付款订单的预占库存已释放`,
        text: `Released ${out.units} units held by ${out.orders.length} orders unpaid after ${Math.round(deps.settings.paymentTimeoutMs / 60_000)} min: ${list}${out.orders.length > 20 ? " …" : ""}`,
      });
      progress(`released ${orders} orders so far (${units} units)`);
    }
    return { orders, units };
  },
};
