import type { Reader } from "../db/client.ts";
import type { Writer } from "../db/writer.ts";
import { AppError } from "../errors.ts";
import { addDays, dayRange, displayDay, isDay } from "../shared/day.ts";
import { paidChartPng } from "./chart.ts";
import { type DailyFigures, dailyFigures, flattenFigures, unflattenFigures } from "./daily-figures.ts";
import { dailyReportText } from "./daily-markdown.ts";
import { latestReport, type ReportRow, saveReport } from "./store.ts";

export const DAILY_KIND = "daily";

export interface DailyReport {
  /** null for a day that is not over yet: computed on demand, not stored. */
  id: number | null;
  day: string;
  title: string;
  body: string;
  markdown: string;
  figures: DailyFigures;
  png: Buffer | null;
  createdAt: number;
}

interface Ctx {
  db: Reader;
  writer: Writer;
  timeZone: string;
  now: number;
}

/** The display day before the one `now` falls on: what the 09:00 report covers. */
export function previousDay(now: number, timeZone: string): string {
  return addDays(displayDay(now, timeZone), -1);
}

export function dailyReportFromRow(row: ReportRow, timeZone: string): DailyReport {
  const figures = unflattenFigures(row.day, row.figures);
  const text = dailyReportText(figures, row.id, timeZone);
  return {
    id: row.id,
    day: row.day,
    title: text.title,
    // What was stored is what was sent: the body is the stored text without its title line.
    body: row.markdown.startsWith(`**${text.title}**\n\n`)
      ? row.markdown.slice(text.title.length + 6)
      : row.markdown,
    markdown: row.markdown,
    figures,
    png: row.png ? Buffer.from(row.png, "base64") : null,
    createdAt: row.createdAt,
  };
}

/** Computes a day's figures and chart and stores them as a report row (before anyone is told). */
export async function createDailyReport(
  ctx: Ctx & { day: string },
): Promise<DailyReport & { id: number; png: Buffer }> {
  const figures = await dailyFigures({ db: ctx.db, day: ctx.day, timeZone: ctx.timeZone });
  const png = paidChartPng(figures.last7);
  const row = await ctx.writer.run((tx) =>
    saveReport(tx, {
      kind: DAILY_KIND,
      day: ctx.day,
      figures: flattenFigures(figures),
      png,
      now: ctx.now,
      markdown: (id) => dailyReportText(figures, id, ctx.timeZone).markdown,
    }),
  );
  const text = dailyReportText(figures, row.id, ctx.timeZone);
  return { id: row.id, day: ctx.day, ...text, figures, png, createdAt: row.createdAt };
}

/**
 * The report for a day, for 日报: the stored one when the day was over before it was stored (what
 * managers were sent), else computed now. A finished day's report is stored so its chart link
 * works; today's is computed without storing, since its numbers are still moving.
 */
export async function findDailyReport(ctx: Ctx & { day: string }): Promise<DailyReport> {
  const { end } = dayRange(ctx.day, ctx.timeZone);
  const today = displayDay(ctx.now, ctx.timeZone);
  if (ctx.day > today) throw new AppError("bad_request", `${ctx.day} 还没到,没有日报。`);
  if (ctx.now < end) {
    const figures = await dailyFigures({ db: ctx.db, day: ctx.day, timeZone: ctx.timeZone });
    const text = dailyReportText(figures, null, ctx.timeZone);
    return { id: null, day: ctx.day, ...text, figures, png: null, createdAt: ctx.now };
  }
  const stored = await latestReport(ctx.db, { kind: DAILY_KIND, day: ctx.day, since: end });
  if (stored) return dailyReportFromRow(stored, ctx.timeZone);
  return createDailyReport(ctx);
}

/**
 * A day typed in chat: empty or 昨天 = yesterday, 今天, 前天, YYYY-MM-DD (or / . separators),
 * YYYYMMDD, MM-DD or M月D日 (the most recent such date, never in the future).
 */
export function parseReportDay(input: string, now: number, timeZone: string): string {
  const today = displayDay(now, timeZone);
  const s = input.trim().toLowerCase();
  const rel: Record<string, number> = {
    "": -1,
    昨天: -1,
    昨日: -1,
    yesterday: -1,
    今天: 0,
    今日: 0,
    today: 0,
    前天: -2,
  };
  const offset = rel[s];
  if (offset !== undefined) return addDays(today, offset);
  const pad = (v: string) => v.padStart(2, "0");
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  let day: string | null = m ? `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}` : null;
  if (!day) {
    m = /^(\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
    if (m) {
      const year = Number(today.slice(0, 4));
      day = `${year}-${pad(m[1]!)}-${pad(m[2]!)}`;
      if (day > today) day = `${year - 1}-${pad(m[1]!)}-${pad(m[2]!)}`;
    }
  }
  if (!day || !isDay(day))
    throw new AppError("bad_request", `看不懂日期「${input}」。请写 2026-11-27、11-27、昨天 或 今天。`);
  return day;
}
