import { AppError } from "../errors.ts";
import { addDays, dayOf, isDay } from "../shared/day.ts";
import { DIM_LABELS, type Dim } from "./sources.ts";

/** A range of display days, both ends included. */
export interface Period {
  from: string;
  to: string;
  label: string;
}

/** The longest range one question may ask for. */
export const MAX_DAYS = 400;

const daysBetween = (a: string, b: string) =>
  (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

/** Checks a from/to pair of YYYY-MM-DD days. */
export function checkRange(from: string, to: string): Period {
  for (const d of [from, to])
    if (!isDay(d)) throw new AppError("bad_request", `「${d}」不是日期,请写 YYYY-MM-DD,例如 2026-11-01`);
  if (to < from) throw new AppError("bad_request", `结束日 ${to} 早于开始日 ${from}`);
  if (daysBetween(from, to) >= MAX_DAYS) throw new AppError("bad_request", `一次最多查 ${MAX_DAYS} 天`);
  return { from, to, label: from === to ? from : `${from} 至 ${to}` };
}

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;

/** 2026-11-3, 2026/11/03, 20261103, 11-03 → 2026-11-03; null when it is not a date at all. */
function readDay(s: string, today: string): string | null {
  const pad = (x: string) => x.padStart(2, "0");
  const full = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s);
  if (full) return `${full[1]}-${pad(full[2]!)}-${pad(full[3]!)}`;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  const short = /^(\d{1,2})[-/.](\d{1,2})$/.exec(s);
  if (short) return `${today.slice(0, 4)}-${pad(short[1]!)}-${pad(short[2]!)}`;
  return null;
}

/**
 * A period word as people type it: 今日, 昨日, 7天, 30天, 本月, 上月, a day, or `from..to`
 * (also `~` or `至`). Null when the token is not a period (it may be part of a metric name).
 */
export function parsePeriod(token: string, now: number, timeZone: string): Period | null {
  const today = dayOf(now, timeZone);
  const t = token.toLowerCase();
  const named: Record<string, () => Period> = {
    今日: () => ({ from: today, to: today, label: `今日 ${today}` }),
    昨日: () => {
      const y = addDays(today, -1);
      return { from: y, to: y, label: `昨日 ${y}` };
    },
    本月: () => ({ from: monthStart(today), to: today, label: `本月 ${monthStart(today)} 至 ${today}` }),
    上月: () => {
      const end = addDays(monthStart(today), -1);
      return { from: monthStart(end), to: end, label: `上月 ${monthStart(end)} 至 ${end}` };
    },
  };
  const aliases: Record<string, string> = {
    今天: "今日",
    today: "今日",
    昨天: "昨日",
    yesterday: "昨日",
    "this-month": "本月",
    month: "本月",
    "last-month": "上月",
  };
  const key = aliases[t] ?? t;
  if (named[key]) return named[key]();
  const lastN = /^(?:近|最近|last)?(\d{1,3})(?:天|日|d|days)$/.exec(t);
  if (lastN) {
    const n = Number(lastN[1]);
    if (n < 1) throw new AppError("bad_request", "天数至少为 1,例如:指标 支付金额 7天");
    const p = checkRange(addDays(today, 1 - n), today);
    return { ...p, label: `近${n}天 ${p.label}` };
  }
  const range = /^(.+?)(?:\.\.|~|至)(.+)$/.exec(t);
  if (range) {
    const [a, b] = [readDay(range[1]!, today), readDay(range[2]!, today)];
    if (!a || !b) throw new AppError("bad_request", `看不懂「${token}」,请写 2026-11-01..2026-11-28`);
    return checkRange(a, b);
  }
  const one = readDay(t, today);
  return one ? checkRange(one, one) : null;
}

const DIM_WORDS: Record<string, Dim> = {
  天: "day",
  日: "day",
  day: "day",
  渠道: "channel",
  channel: "channel",
  平台: "channel",
  sku: "sku",
  商品: "sku",
  省份: "province",
  省: "province",
  province: "province",
};

/** 渠道 / SKU / 省份 / 天 (and English) → the dimension; null when it is none of them. */
export function parseDim(word: string): Dim | null {
  return DIM_WORDS[word.toLowerCase()] ?? null;
}

export function dimHelp(): string {
  return (Object.keys(DIM_LABELS) as Dim[]).map((d) => DIM_LABELS[d]).join("|");
}
