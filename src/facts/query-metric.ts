import { type SQL, sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { addDays, dayRange } from "../shared/day.ts";
import { checkRange } from "./period.ts";
import { emptyValue, findMetric, isAdditive, type MetricDef, metricDims } from "./registry.ts";
import { DIM_LABELS, type Dim, FACT_LINES, FACTS, type MetricSource } from "./sources.ts";

/** A query as text pieces and bound values, so the same builder runs and prints. */
type Piece = string | { name: string; value: string | number };

function toSql(pieces: Piece[]): SQL {
  return sql.join(pieces.map((p) => (typeof p === "string" ? sql.raw(p) : sql`${p.value}`)));
}

function toText(pieces: Piece[]): string {
  return pieces.map((p) => (typeof p === "string" ? p : `:${p.name}`)).join("");
}

/** The source and aggregate the metric uses for a split: by SKU reads the lines. */
function plan(m: MetricDef, by: Dim | null): { source: MetricSource; agg: string } {
  if (by === "sku" && m.source === FACTS && m.skuAgg) return { source: FACT_LINES, agg: m.skuAgg };
  return { source: m.source, agg: m.agg };
}

/**
 * The metric's query: `k` is the split key ('all' without one), `v` the value. Days are cut in
 * the display time zone by a small table of [start, end) bounds, so any zone (and DST) is right.
 */
export function metricQuery(
  m: MetricDef,
  by: Dim | null,
  range: { start: number; end: number },
  days: { day: string; start: number; end: number }[] = [],
): Piece[] {
  const { source, agg } = plan(m, by);
  const key = by === null ? "'all'" : by === "day" ? "d.day" : source.dims[by];
  if (!key) throw new Error(`metric ${m.id} has no ${by} split`);
  const out: Piece[] = [];
  if (by === "day") {
    out.push("with d(day, s, e) as (values ");
    days.forEach((d, i) => {
      if (i > 0) out.push(", ");
      out.push("(", { name: `day${i}`, value: d.day }, ", ", { name: `start${i}`, value: d.start }, ", ");
      out.push({ name: `end${i}`, value: d.end }, ")");
    });
    out.push(") ");
  }
  const group = m.innerGroup ? `k, ${m.innerGroup}` : "k";
  out.push(`select * from (`);
  if (m.wrap) out.push(m.wrap[0]);
  out.push(`select ${key} as k, ${agg} as v from ${source.from}`);
  if (by === "day") {
    // The bounds alone limit the rows: with the outer range as well, SQLite searches the index
    // by that range once per day and filters, 30 times the rows for a month.
    out.push(` join d on ${source.time} >= d.s and ${source.time} < d.e group by ${group}`);
  } else {
    out.push(` where ${source.time} >= `, { name: "from", value: range.start });
    out.push(` and ${source.time} < `, { name: "to", value: range.end }, ` group by ${group}`);
  }
  if (m.wrap) out.push(m.wrap[1]);
  out.push(m.top ? `) order by v desc, k limit ${m.top}` : ") order by k");
  return out;
}

export interface MetricRow {
  key: string;
  value: number | null;
}

export interface MetricAnswer {
  metric: MetricDef;
  from: string;
  to: string;
  by: Dim | null;
  rows: MetricRow[];
  /** The whole period unsplit; null for metrics that are always split. */
  total: number | null;
  /** The executed SQL, with :from/:to for the bounds. */
  definition: string;
}

function clean(m: MetricDef, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  if (!Number.isFinite(n)) return null;
  if (m.unit === "cents") return Math.round(n);
  if (m.unit === "count") return Number.isInteger(n) ? n : Math.round(n * 100) / 100;
  return Math.round(n * 10_000) / 10_000;
}

export function getMetric(id: string): MetricDef {
  const m = findMetric(id);
  if (!m) throw new AppError("not_found", `没有指标「${id}」。发「指标」查看全部指标`);
  return m;
}

/** The definition as it runs, unsplit (the day split adds only the bounds table and key). */
export function metricDefinition(m: MetricDef): string {
  return toText(metricQuery(m, m.forcedBy ?? null, { start: 0, end: 0 }));
}

/** Runs a metric over [from, to] (display days, both included), optionally split. */
export async function queryMetric(args: {
  db: Reader;
  id: string;
  from: string;
  to: string;
  by?: Dim | null;
  timeZone: string;
}): Promise<MetricAnswer> {
  const m = getMetric(args.id);
  checkRange(args.from, args.to);
  if (m.forcedBy && args.by && args.by !== m.forcedBy)
    throw new AppError(
      "bad_request",
      `「${m.zh}」总是按${DIM_LABELS[m.forcedBy]}列出,不能按${DIM_LABELS[args.by]}拆分`,
    );
  const by = m.forcedBy ?? args.by ?? null;
  if (by && !metricDims(m).includes(by))
    throw new AppError(
      "bad_request",
      `「${m.zh}」不能按${DIM_LABELS[by]}拆分,可以按:${metricDims(m)
        .map((d) => DIM_LABELS[d])
        .join("、")}`,
    );
  const range = {
    start: dayRange(args.from, args.timeZone).start,
    end: dayRange(args.to, args.timeZone).end,
  };
  const days: { day: string; start: number; end: number }[] = [];
  if (by === "day")
    for (let d = args.from; d <= args.to; d = addDays(d, 1))
      days.push({ day: d, ...dayRange(d, args.timeZone) });
  const run = async (split: Dim | null) => {
    const rows = await args.db.all<{ k: unknown; v: unknown }>(toSql(metricQuery(m, split, range, days)));
    return rows.map((r) => ({ key: String(r.k ?? "未知"), value: clean(m, r.v) }));
  };
  const empty = emptyValue(m);
  // A split of a distinct count or a rate needs the whole computed apart: both run side by side
  // (reads use a pool on the embedded file).
  // By SKU reads lines, where an order with two SKUs counts under both: never add those up.
  const separateTotal = !m.forcedBy && by !== null && (by === "sku" || !isAdditive(m));
  const [rows, whole] = await Promise.all([run(by), separateTotal ? run(null) : null]);
  if (by === null && rows.length === 0) rows.push({ key: "all", value: empty });
  let total: number | null = null;
  if (whole) total = whole[0]?.value ?? empty;
  else if (by === null) total = rows[0]?.value ?? empty;
  else if (!m.forcedBy) total = rows.reduce((s, r) => s + (r.value ?? 0), 0);
  if (by === "day") {
    // Every day of the range answers, even one with nothing in it.
    const have = new Map(rows.map((r) => [r.key, r.value]));
    rows.splice(0, rows.length, ...days.map((d) => ({ key: d.day, value: have.get(d.day) ?? empty })));
  }
  return { metric: m, from: args.from, to: args.to, by, rows, total, definition: metricDefinition(m) };
}
