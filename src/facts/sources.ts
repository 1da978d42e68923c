/** Where metrics read from: a table (with joins), its time column and how it splits by each dimension. */

export type Dim = "day" | "channel" | "province" | "sku";

export const DIMS: readonly Dim[] = ["day", "channel", "province", "sku"];

export const DIM_LABELS: Record<Dim, string> = { day: "天", channel: "渠道", province: "省份", sku: "SKU" };

export interface MetricSource {
  /** The FROM clause (constant SQL; never built from input). */
  from: string;
  /** The UTC-ms column the period filters on; days are cut on it in the display time zone. */
  time: string;
  /** The expression each dimension groups by; a dimension missing here cannot split the metric. */
  dims: Partial<Record<Exclude<Dim, "day">, string>>;
  /** What the period is counted by, in words, for the caliber line. */
  timeLabel: string;
}

const UNKNOWN_PROVINCE = "coalesce(f.province, '未知')";

/** The paid-order wide table: one row per paid order. */
export const FACTS: MetricSource = {
  from: "order_facts f",
  time: "f.paid_at",
  dims: { channel: "f.channel", province: UNKNOWN_PROVINCE },
  timeLabel: "按付款时间归日",
};

/** The wide table joined to its lines: one row per order line, for splitting by SKU. */
export const FACT_LINES: MetricSource = {
  from: "order_facts f join order_lines l on l.order_no = f.order_no",
  time: "f.paid_at",
  dims: { channel: "f.channel", province: UNKNOWN_PROVINCE, sku: "l.sku" },
  timeLabel: "按付款时间归日",
};

/** Every order, paid or not: only for counting what was placed. */
export const ORDERS: MetricSource = {
  from: "orders o left join addresses a on a.order_no = o.order_no",
  time: "o.created_at",
  dims: { channel: "o.channel", province: "coalesce(a.province, '未知')" },
  timeLabel: "按下单时间归日",
};

/** Drift items, counted once per order and kind when first seen. */
export const DRIFT: MetricSource = {
  from: "drift_items i",
  time: "i.first_seen_at",
  dims: {},
  timeLabel: "按首次发现时间归日",
};

/** The alert centre's hits (SPEC §2.6), decided ones only. */
export const ALERT_HITS: MetricSource = {
  from: "alert_hits h left join orders o on o.order_no = h.order_no",
  time: "h.decided_at",
  dims: { channel: "coalesce(o.channel, 'unknown')" },
  timeLabel: "按处理时间归日",
};
