import { shortTime } from "../bot/text.ts";
import { alertOverduePickups, listOverduePickups, PICKUP_WINDOW_MS } from "../src/reports/index.ts";
import type { Audience } from "../src/shared/notifier.ts";
import type { Job } from "./types.ts";

const SHOWN = 20;
const AUDIENCES: Audience[] = ["warehouse", "cs_lead"];

/**
 * Hourly: shipments out of the warehouse for more than 48 h that no carrier has picked up
 * (SPEC §2.6, logistics). Each order is alerted once; when new ones appear, the warehouse and the
 * CS lead get one grouped P2 notice listing every overdue shipment (first 20, and the count).
 */
export const pickupCheckJob: Job = {
  name: "pickup-check",
  cron: "0 * * * *",
  description: "find shipments not picked up by a carrier 48 h after leaving the warehouse",
  async run(deps, now, progress) {
    const overdue = await listOverduePickups({ db: deps.db, now });
    const fresh = overdue.length
      ? await deps.writer.run((tx) => alertOverduePickups(tx, { overdue, now }))
      : new Set<string>();
    if (fresh.size > 0) {
      const tz = deps.config.TZ_DISPLAY;
      const lines = overdue.slice(0, SHOWN).map((o) => {
        const hours = Math.floor((now - o.shippedAt) / 3_600_000);
        return `${fresh.has(o.orderNo) ? "🆕 " : "- "}${o.orderNo} 运单 ${o.waybillNo}${o.carrier ? `(${o.carrier})` : ""} 出库 ${shortTime(o.shippedAt, tz)},已 ${hours} 小时`;
      });
      if (overdue.length > SHOWN) lines.push(`…… 另有 ${overdue.length - SHOWN} 单,共 ${overdue.length} 单`);
      const text = [
        `${overdue.length} 单出库超过 ${PICKUP_WINDOW_MS / 3_600_000} 小时仍无快递揽收(新增 ${fresh.size} 单),请联系快递或核实是否已交接:`,
        ...lines,
      ].join("\n");
      for (const to of AUDIENCES) {
        await deps.notifier.send({
          to,
          severity: "P2",
          title: `${overdue.length} 单出库超 48 小时未揽收`,
          text,
        });
      }
      progress(`${overdue.length} overdue, ${fresh.size} new`);
    }
    return { overdue: overdue.length, new: fresh.size, notified: fresh.size > 0 ? AUDIENCES.length : 0 };
  },
};
