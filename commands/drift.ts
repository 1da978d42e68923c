import type { CommandDef } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import {
  addDays,
  dayOf,
  formatSummary,
  isDay,
  kindLabel,
  kindSuggestion,
  latestRun,
  orderDrift,
  runSummary,
  shortStamp,
} from "../src/drift/index.ts";
import { AppError } from "../src/errors.ts";

/** 昨天 / 今天 / 2026-11-28 / 2026/11/28 / 11-28 → YYYY-MM-DD; anything else is not a day. */
export function parseDay(arg: string, now: number, timeZone: string): string | null {
  const today = dayOf(now, timeZone);
  const a = arg.toLowerCase();
  if (["昨天", "昨日", "yesterday"].includes(a)) return addDays(today, -1);
  if (["今天", "今日", "today"].includes(a)) return today;
  if (["前天"].includes(a)) return addDays(today, -2);
  const full = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(a);
  const short = /^(\d{1,2})[-/.](\d{1,2})$/.exec(a);
  const pad = (s: string) => s.padStart(2, "0");
  const day = full
    ? `${full[1]}-${pad(full[2]!)}-${pad(full[3]!)}`
    : short
      ? `${today.slice(0, 4)}-${pad(short[1]!)}-${pad(short[2]!)}`
      : /^\d{8}$/.test(a) && isDay(`${a.slice(0, 4)}-${a.slice(4, 6)}-${a.slice(6)}`)
        ? `${a.slice(0, 4)}-${a.slice(4, 6)}-${a.slice(6)}`
        : null;
  if (day && !isDay(day)) throw new AppError("bad_request", `${arg} 不是有效日期,例如:漂移 2026-11-28`);
  return day;
}

/** 漂移 / drift — the latest drift list (or a day's), or one order's open drift. */
export const drift: CommandDef = {
  name: "漂移",
  aliases: ["drift"],
  usage: ["漂移", "漂移 <昨天|YYYY-MM-DD>", "漂移 <订单号>"],
  summary: "状态漂移清单:锚点与各系统不一致或超时的订单;或查一个订单的漂移",
  async handle(ctx, { tokens }) {
    const { db, config } = ctx.deps;
    const tz = config.TZ_DISPLAY;
    const arg = tokens.join("");
    const day = arg ? parseDay(arg, ctx.now, tz) : null;
    if (arg && !day) {
      const { run, open, resolved } = await orderDrift(db, arg);
      if (!run) return text("还没有漂移核对记录。每天 02:00 自动核对前一天的订单。");
      if (open.length === 0) {
        const tail = resolved.length
          ? `,${resolved.map((r) => kindLabel(r.kind)).join("、")} 已在第 ${run.id} 次核对中解决`
          : "";
        return text(`订单 ${arg} 在最近一次核对(${run.day})中没有未解决的漂移${tail}。`);
      }
      const lines = [`订单 ${arg} 未解决的漂移(${run.day} 核对):`];
      for (const i of open) {
        lines.push(
          `• ${kindLabel(i.kind)}:${i.detail}(首次发现 ${shortStamp(i.firstSeenAt, tz)})`,
          `  建议:${kindSuggestion(i.kind)}`,
        );
      }
      return text(lines.join("\n"));
    }
    const run = await latestRun(db, day ?? undefined);
    if (!run)
      return text(
        day
          ? `还没有 ${day} 的漂移清单。每天 02:00 核对前一天的订单;也可以让管理员运行 npm run job -- drift。`
          : "还没有漂移核对记录。每天 02:00 自动核对前一天的订单。",
      );
    return text(formatSummary(await runSummary(db, run), { timeZone: tz }));
  },
};
