import type { NoticeWithImage } from "../bot/notifiers/image.ts";
import { createDailyReport, previousDay } from "../src/reports/index.ts";
import type { Job } from "./types.ts";

/**
 * 09:00 daily: yesterday's figures (orders, paid, GMV, refunds, drift, alerts, SLA breaches) and
 * a 7-day chart, stored first and then sent to the managers. A notice that cannot be delivered
 * loses nothing: the report stays stored, 日报 shows it and /api/v1/reports serves it.
 */
export const dailyReportJob: Job = {
  name: "daily-report",
  cron: "0 9 * * *",
  description: "store yesterday's figures and 7-day chart, then send them to NOTIFY_MANAGERS",
  async run(deps, now, progress) {
    const timeZone = deps.config.TZ_DISPLAY;
    const day = previousDay(now, timeZone);
    const report = await createDailyReport({ db: deps.db, writer: deps.writer, timeZone, day, now });
    progress(`stored report #${report.id} for ${day}`);
    const notice: NoticeWithImage = {
      to: "managers",
      severity: "P3",
      title: report.title,
      text: report.body,
      image: { png: report.png, alt: `近 7 日实付金额柱状图(${day})` },
    };
    await deps.notifier.send(notice);
    return {
      report: report.id,
      orders_created: report.figures.ordersCreated,
      paid_orders: report.figures.paidOrders,
      paid_amount: report.figures.paidAmount,
    };
  },
};
