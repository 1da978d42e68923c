import { FACT_COLUMNS, type FactColumn, findColumn } from "./columns.ts";
import { metricDefinition } from "./query-metric.ts";
import { findMetric, METRICS, type MetricDef, metricDims, type Unit } from "./registry.ts";
import { DIM_LABELS } from "./sources.ts";

const UNIT_LABELS: Record<Unit, string> = {
  cents: "元(以分存储)",
  count: "个",
  ratio: "比率",
  hours: "小时",
};

/** ¥1,234.50 / 1,234 / 12.3% / 5.2 小时; — for no value. */
export function formatValue(unit: Unit, v: number | null): string {
  if (v === null) return "—";
  switch (unit) {
    case "cents": {
      const sign = v < 0 ? "-" : "";
      const abs = Math.abs(v);
      const yuan = Math.floor(abs / 100).toLocaleString("en-US");
      return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
    }
    case "ratio":
      return `${(v * 100).toFixed(1)}%`;
    case "hours":
      return `${v.toFixed(1)} 小时`;
    default:
      return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(2);
  }
}

/** A metric as the registry lists it (API). */
export function metricView(m: MetricDef) {
  return {
    id: m.id,
    zh: m.zh,
    en: m.en,
    unit: m.unit,
    caliber: m.caliber,
    owner: m.owner,
    dims: metricDims(m),
    definition: metricDefinition(m),
    time_basis: m.source.timeLabel,
    columns: m.columns,
    aliases: m.aliases ?? [],
  };
}

export function columnView(c: FactColumn) {
  return { name: c.name, zh: c.zh, source: c.source, rule: c.rule, owner: c.owner, sql: c.sql };
}

/** `指标` alone: every metric, one line each. */
export function formatRegistry(): string {
  const lines = [
    `共 ${METRICS.length} 个指标(发「指标 <指标> [今日|昨日|7天|本月|from..to] [按 渠道|SKU|省份|天]」查数,「口径 <指标>」看定义):`,
  ];
  for (const m of METRICS) {
    const dims = metricDims(m)
      .map((d) => DIM_LABELS[d])
      .join("/");
    lines.push(`• ${m.zh}(${m.id},${m.en})按 ${dims}`);
  }
  return lines.join("\n");
}

function columnLines(c: FactColumn): string[] {
  return [
    `字段 ${c.name}(${c.zh})`,
    `来源系统:${c.source}`,
    `加工规则:${c.rule}`,
    `负责人:${c.owner}`,
    ...(c.sql ? [`执行定义:${c.sql}`] : []),
  ];
}

/** `口径 <指标或字段>`: a metric's definition and the lineage of the columns it reads, or one column's lineage. */
export function formatCaliber(name: string): string | null {
  const m = findMetric(name);
  if (m) {
    const lines = [
      `${m.zh}(${m.id} · ${m.en})`,
      `口径:${m.caliber};${m.source.timeLabel}(一天 = 显示时区的自然日)`,
      `单位:${UNIT_LABELS[m.unit]} · 负责人:${m.owner} · 可按:${metricDims(m)
        .map((d) => DIM_LABELS[d])
        .join("、")}`,
      `执行定义:${metricDefinition(m)}`,
    ];
    const cols = m.columns.map((n) => FACT_COLUMNS.find((c) => c.name === n)).filter((c) => c !== undefined);
    if (cols.length > 0) {
      lines.push("", "数据血缘(宽表 order_facts 字段):");
      for (const c of cols) lines.push(`• ${c.name}(${c.zh}):来自 ${c.source};${c.rule};负责人 ${c.owner}`);
    } else {
      lines.push(`数据来源:${m.source.from}(不经过宽表)`);
    }
    return lines.join("\n");
  }
  const c = findColumn(name);
  return c ? columnLines(c).join("\n") : null;
}
