import type { CommandDef } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import { findDailyReport, parseReportDay } from "../src/reports/index.ts";

/** 日报 [日期] / report — the daily report as managers got it at 09:00, or computed now. */
export const report: CommandDef = {
  name: "日报",
  aliases: ["report", "daily-report"],
  usage: ["日报", "日报 <日期>(如 2026-11-27、11-27、昨天、今天)"],
  summary: "看某天的经营日报(默认昨天):订单、付款、GMV、退款、漂移、告警、售后超时",
  roles: ["supervisor", "manager", "ops", "finance"],
  async handle(ctx, { rest }) {
    const timeZone = ctx.deps.config.TZ_DISPLAY;
    const day = parseReportDay(rest, ctx.now, timeZone);
    const r = await findDailyReport({
      db: ctx.deps.db,
      writer: ctx.deps.writer,
      timeZone,
      now: ctx.now,
      day,
    });
    if (r.id === null) return text(`${r.markdown}\n\n(${day} 还没过完,以上为截至现在的数字。)`);
    return text(r.markdown);
  },
};
