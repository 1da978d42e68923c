import type { CommandDef } from "../bot/command.ts";
import { text } from "../bot/types.ts";
import { AppError } from "../src/errors.ts";
import {
  DIM_LABELS,
  type Dim,
  dimHelp,
  formatRegistry,
  formatValue,
  type MetricAnswer,
  type Period,
  parseDim,
  parsePeriod,
  queryMetric,
} from "../src/facts/index.ts";
import { dayOf } from "../src/shared/day.ts";

const USAGE = `指标 <指标> [今日|昨日|7天|本月|上月|2026-11-01..2026-11-28] [按 ${dimHelp()}]`;

/** Splits the words into a period, a split and the metric's name (whatever is left, in order). */
export function parseMetricArgs(tokens: string[], now: number, timeZone: string) {
  let period: Period | null = null;
  let by: Dim | null = null;
  const name: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const byWord = /^(?:按|by)(.*)$/i.exec(t);
    if (byWord) {
      const word = byWord[1] || tokens[++i] || "";
      by = parseDim(word);
      if (!by) throw new AppError("bad_request", `不能按「${word}」拆分,可以按 ${dimHelp()}。例如:${USAGE}`);
      continue;
    }
    const p = parsePeriod(t, now, timeZone);
    if (p) period = p;
    else name.push(t);
  }
  const today = dayOf(now, timeZone);
  return { name: name.join(" "), period: period ?? { from: today, to: today, label: `今日 ${today}` }, by };
}

export function formatAnswer(a: MetricAnswer, label: string): string {
  const m = a.metric;
  const head = `${m.zh}(${m.en})· ${label}${a.by ? ` · 按${DIM_LABELS[a.by]}` : ""}`;
  const lines = [head];
  if (a.by === null) lines.push(`${m.zh}:${formatValue(m.unit, a.rows[0]?.value ?? null)}`);
  else {
    if (a.rows.length === 0) lines.push("(这段时间没有数据)");
    for (const r of a.rows) lines.push(`• ${r.key}:${formatValue(m.unit, r.value)}`);
    if (a.total !== null) lines.push(`合计:${formatValue(m.unit, a.total)}`);
  }
  lines.push(`口径:${m.caliber};${m.source.timeLabel}`);
  return lines.join("\n");
}

/** 指标 / metric — a named metric's value(s) with its caliber printed beside them; alone, the registry. */
export const metric: CommandDef = {
  name: "指标",
  aliases: ["metric", "metrics"],
  usage: ["指标", USAGE],
  summary: "查经营指标(GMV、支付金额、客单价、退款率…),每个数字都带口径;不带参数列出全部指标",
  roles: ["supervisor", "manager", "ops", "finance", "purchasing"],
  async handle(ctx, { tokens }) {
    if (tokens.length === 0) return text(formatRegistry());
    const tz = ctx.deps.config.TZ_DISPLAY;
    const args = parseMetricArgs(tokens, ctx.now, tz);
    if (!args.name)
      throw new AppError("bad_request", `请写要查的指标,例如:指标 支付金额 本月 按 渠道。用法:${USAGE}`);
    const a = await queryMetric({
      db: ctx.deps.db,
      id: args.name,
      from: args.period.from,
      to: args.period.to,
      by: args.by,
      timeZone: tz,
    });
    return text(formatAnswer(a, args.period.label));
  },
};
