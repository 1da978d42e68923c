import { findRule } from "../alerts/catalog.ts";
import { formatEffect } from "../alerts/format.ts";
import { monthDay } from "../shared/day.ts";
import { CALIBER, type DailyFigures } from "./daily-figures.ts";

/** Integer cents → "¥1,234.50" (no floats on the way). */
export function yuan(cents: number): string {
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toLocaleString("en-US");
  return `${cents < 0 ? "-" : ""}¥${whole}.${String(abs % 100).padStart(2, "0")}`;
}

/** Day-over-day change as "+12.5%" / "-3.0%" / "持平"; "—" when yesterday was 0. */
function change(today: number, before: number): string {
  if (before === 0) return today === 0 ? "持平" : "—";
  if (today === before) return "持平";
  // Tenths of a percent in integers: (today − before) × 1000 / before, rounded half away from zero.
  const permille = Math.round((Math.abs(today - before) * 1000) / before);
  return `${today > before ? "+" : "-"}${Math.floor(permille / 10)}.${permille % 10}%`;
}

/** The alert centre's part: each rule's effect on the day's hits, then the P3 digest. */
function alertLines(f: DailyFigures): string[] {
  if (f.rules.length === 0 && f.digest.length === 0) return [];
  const hits = f.rules.reduce((s, r) => s + r.hits, 0);
  const stopped = f.rules.reduce((s, r) => s + r.amountStopped, 0);
  const out = ["", `异常预警:命中 **${hits}** 次 · 拦截金额 **${yuan(stopped)}**`];
  for (const r of f.rules) out.push(`- ${findRule(r.ruleId)?.name ?? r.ruleId}:${formatEffect(r)}`);
  if (f.digest.length) {
    out.push("", `P3 摘要(${f.digest.length} 条):`);
    for (const d of f.digest.slice(0, 20))
      out.push(
        `- #${d.id} ${findRule(d.ruleId)?.name ?? d.ruleId}${d.orderNo ? ` ${d.orderNo}` : ""}:${d.message}`,
      );
    if (f.digest.length > 20) out.push(`- …… 另有 ${f.digest.length - 20} 条,发送「告警 all」查看`);
  }
  return out;
}

export const chartPath = (id: number): string => `/api/v1/reports/${id}.png`;

export interface ReportText {
  title: string;
  /** The lines under the title (what a notice carries as its text). */
  body: string;
  /** Title and body: what is stored and what 日报 answers. */
  markdown: string;
}

/**
 * The daily report in words. Every figure is in the text, so a target that cannot show the chart
 * (DingTalk, email, SMS) loses nothing but the picture; `id` adds the link to the stored chart.
 */
export function dailyReportText(f: DailyFigures, id: number | null, timeZone: string): ReportText {
  const title = `经营日报 ${f.day}`;
  const before = f.last7[5]?.paidAmount ?? 0;
  const lines = [
    `> ${f.day}(${timeZone})`,
    "",
    `- 新建订单:**${f.ordersCreated}**`,
    `- 付款订单:**${f.paidOrders}**`,
    `- GMV:**${yuan(f.gmv)}**`,
    `- 实付金额:**${yuan(f.paidAmount)}**(较前日 ${change(f.paidAmount, before)})`,
    `- 退款:**${f.refundCount}** 笔 / **${yuan(f.refundAmount)}**`,
    `- 状态漂移:**${f.driftFound}**`,
    `- 未处理告警:**${f.openAlerts}**`,
    `- 售后超时升级:**${f.slaBreaches}**`,
    ...alertLines(f),
    "",
    `近 7 日实付:${f.last7.map((d) => `${monthDay(d.day)} ${yuan(d.paidAmount)}`).join(" · ")}`,
    "",
    `口径:${CALIBER.join(";")}。`,
  ];
  if (id !== null) lines.push("", `图表见 ${chartPath(id)}`);
  const body = lines.join("\n");
  return { title, body, markdown: `**${title}**\n\n${body}` };
}
