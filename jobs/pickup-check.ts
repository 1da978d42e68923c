import { inArray } from "drizzle-orm";
import { shortTime } from "../bot/text.ts";
import { activeSilences, loadRuleStates } from "../src/alerts/index.ts";
import type { Tx } from "../src/db/client.ts";
import { alertHits } from "../src/db/schema/index.ts";
import { alertOverduePickups, listOverduePickups, PICKUP_RULE_ID } from "../src/reports/index.ts";
import type { Job } from "./types.ts";

const SHOWN = 20;
const HOUR = 3_600_000;

/**
 * Hourly: the alert rule 揽收超时 (SPEC §2.6, logistics) — shipments out of the warehouse for more
 * than the rule's `hours` (48) that no carrier has picked up. Each order is a hit once; when new
 * ones appear, the rule's audiences (warehouse and CS lead at P2) get one grouped notice listing
 * every overdue shipment (first 20, and the count). Off, silenced or P3, nobody is told now.
 */
export const pickupCheckJob: Job = {
  name: "pickup-check",
  cron: "0 * * * *",
  description: "alert rule pickup_overdue: shipments no carrier picked up within its hours",
  async run(deps, now, progress): Promise<Record<string, number>> {
    const state = (await loadRuleStates(deps.db)).find((s) => s.rule.id === PICKUP_RULE_ID)!;
    if (!state.enabled) return { overdue: 0, new: 0, notified: 0, disabled: 1 };
    const hours = state.params.hours as number;
    const overdue = await listOverduePickups({ db: deps.db, now, windowMs: hours * HOUR });
    const fresh = await deps.writer.run((tx) =>
      alertOverduePickups(tx, { overdue, now, level: state.level, hours }),
    );
    const silenced = (await activeSilences(deps.db, now)).has(PICKUP_RULE_ID);
    const audiences =
      state.level === "P3" || silenced
        ? []
        : state.level === "P1"
          ? [deps.alerts.chain[0]!.audience]
          : state.rule.audiences;
    if (fresh.size > 0 && audiences.length > 0) {
      const tz = deps.config.TZ_DISPLAY;
      const lines = overdue.slice(0, SHOWN).map((o) => {
        const h = Math.floor((now - o.shippedAt) / HOUR);
        return `${fresh.has(o.orderNo) ? "🆕 " : "- "}${o.orderNo} 运单 ${o.waybillNo}${o.carrier ? `(${o.carrier})` : ""} 出库 ${shortTime(o.shippedAt, tz)},已 ${h} 小时`;
      });
      if (overdue.length > SHOWN) lines.push(`…… 另有 ${overdue.length - SHOWN} 单,共 ${overdue.length} 单`);
      const text = [
        `${overdue.length} 单出库超过 ${hours} 小时仍无快递揽收(新增 ${fresh.size} 单),请联系快递或核实是否已交接:`,
        ...lines,
      ].join("\n");
      for (const to of audiences)
        await deps.notifier.send({
          to,
          severity: state.level,
          title: `${overdue.length} 单出库超 ${hours} 小时未揽收`,
          text,
        });
      await deps.writer.run((tx) => markNotified(tx, [...fresh], now));
    }
    if (fresh.size) progress(`${overdue.length} overdue, ${fresh.size} new`);
    const notified = fresh.size > 0 ? audiences.length : 0;
    return { overdue: overdue.length, new: fresh.size, notified };
  },
};

async function markNotified(tx: Tx, orderNos: string[], now: number) {
  for (let i = 0; i < orderNos.length; i += 500)
    await tx
      .update(alertHits)
      .set({ notifiedAt: now })
      .where(inArray(alertHits.orderNo, orderNos.slice(i, i + 500)));
}
