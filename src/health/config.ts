import { parseDuration, parseSize } from "../shared/duration.ts";

/** How a threshold is written and shown. */
type Unit = "ratio" | "count" | "duration" | "size";

export interface SignalDef {
  id: string;
  label: string;
  severity: "P1" | "P2" | "P3";
  /** The setting (HEALTH_THRESHOLDS key) a measurement is compared with: warn at or above it. */
  threshold: string;
  /** What a person should do about it. */
  hint: string;
}

/** Every signal on the board, most urgent first; ids are stable (metrics labels, HTTP, state rows). */
export const SIGNALS: readonly SignalDef[] = [
  {
    id: "too_large",
    label: "超过 BODY_LIMIT 被拒(413)",
    severity: "P1",
    threshold: "too_large",
    hint: "调大 BODY_LIMIT,或让平台精简推送",
  },
  {
    id: "size_near_limit",
    label: "包体接近 BODY_LIMIT",
    severity: "P1",
    threshold: "size_near_limit",
    hint: "在 413 之前调大 BODY_LIMIT,并查看新增字段",
  },
  {
    id: "silence",
    label: "静默:该来的推送没有来",
    severity: "P1",
    threshold: "silence",
    hint: "检查平台推送订阅、回调地址和证书是否过期",
  },
  {
    id: "signature",
    label: "签名失败率",
    severity: "P1",
    threshold: "signature_rate",
    hint: "核对 SOURCE_SECRET_* 是否被平台轮换",
  },
  {
    id: "dead",
    label: "处理失败已放弃(dead)",
    severity: "P1",
    threshold: "dead",
    hint: "修复后用「重放 <id>」或 npm run inbox -- replay <id>",
  },
  {
    id: "size_growth",
    label: "包体 p95 相比 7 天基线增长",
    severity: "P2",
    threshold: "size_growth",
    hint: "查看新增字段,评估 BODY_LIMIT 与下游",
  },
  {
    id: "shape_new",
    label: "新增字段",
    severity: "P2",
    threshold: "shape_new",
    hint: "确认新字段是否需要映射、是否会撑大包体",
  },
  {
    id: "shape_type",
    label: "字段类型变化",
    severity: "P2",
    threshold: "shape_type",
    hint: "检查解析器对该字段的假设",
  },
  {
    id: "shape_missing",
    label: "字段消失",
    severity: "P2",
    threshold: "shape_missing",
    hint: "检查平台是否下线了该字段",
  },
  {
    id: "parse",
    label: "解析失败率",
    severity: "P2",
    threshold: "parse_rate",
    hint: "查看 inbox 中 rejected 的原始包体",
  },
  {
    id: "mapping",
    label: "处理(映射)失败率",
    severity: "P2",
    threshold: "mapping_rate",
    hint: "npm run inbox -- list 查看失败原因",
  },
  {
    id: "unknown_status",
    label: "未知状态占比",
    severity: "P2",
    threshold: "unknown_status_rate",
    hint: "在 src/anchors/rules.json 中补充规则",
  },
  {
    id: "latency",
    label: "处理延迟 p95",
    severity: "P2",
    threshold: "latency_p95",
    hint: "检查积压与数据库写入",
  },
  {
    id: "backlog",
    label: "积压:最老的待处理推送",
    severity: "P2",
    threshold: "backlog_age",
    hint: "检查处理器与重试队列",
  },
  {
    id: "duplicate",
    label: "重复推送占比",
    severity: "P3",
    threshold: "duplicate_rate",
    hint: "平台在重试:检查我们的应答是否及时",
  },
  {
    id: "out_of_order",
    label: "乱序事件占比",
    severity: "P3",
    threshold: "out_of_order_rate",
    hint: "通常无害(按事件时间折叠);持续偏高请检查平台",
  },
];

const SETTINGS = {
  /** The recent window every rate and percentile is measured over. */
  window: { unit: "duration", value: 3_600_000 },
  /** The baseline the size trend and the usual rate are measured over. */
  baseline: { unit: "duration", value: 7 * 86_400_000 },
  /** A signal still warning is not told again within this; a resolved one is told once. */
  notify_interval: { unit: "duration", value: 30 * 60_000 },
  /** Rates only count once the window holds at least this many failures. */
  error_min: { unit: "count", value: 3 },
  size_growth: { unit: "ratio", value: 0.5 },
  size_near_limit: { unit: "ratio", value: 0.5 },
  too_large: { unit: "count", value: 1 },
  shape_new: { unit: "count", value: 1 },
  shape_type: { unit: "count", value: 1 },
  shape_missing: { unit: "count", value: 1 },
  /** Payloads of a kind before its shape counts as learned (earlier fields are not "new"). */
  shape_min_samples: { unit: "count", value: 20 },
  /** Consecutive payloads without a learned field before it counts as missing. */
  shape_missing_streak: { unit: "count", value: 5 },
  /** How long a new or changed field stays on the board. */
  shape_window: { unit: "duration", value: 86_400_000 },
  signature_rate: { unit: "ratio", value: 0.05 },
  parse_rate: { unit: "ratio", value: 0.05 },
  mapping_rate: { unit: "ratio", value: 0.05 },
  unknown_status_rate: { unit: "ratio", value: 0.05 },
  duplicate_rate: { unit: "ratio", value: 0.5 },
  out_of_order_rate: { unit: "ratio", value: 0.2 },
  latency_p95: { unit: "duration", value: 60_000 },
  backlog_age: { unit: "duration", value: 10 * 60_000 },
  dead: { unit: "count", value: 1 },
  /** Events the usual rate says were due since the last one; silence warns at or above it. */
  silence: { unit: "count", value: 5 },
  /** Events in the baseline before a source's usual rate is trusted for silence. */
  silence_min_baseline: { unit: "count", value: 20 },
} as const satisfies Record<string, { unit: Unit; value: number }>;

export type SettingKey = keyof typeof SETTINGS;
export type HealthSettings = Record<SettingKey, number>;

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = Object.fromEntries(
  Object.entries(SETTINGS).map(([k, v]) => [k, v.value]),
) as HealthSettings;

export function settingUnit(key: string): Unit {
  return (SETTINGS as Record<string, { unit: Unit }>)[key]?.unit ?? "count";
}

function parseValue(unit: Unit, text: string): number | null {
  switch (unit) {
    case "duration":
      return parseDuration(text);
    case "size":
      return parseSize(text);
    case "ratio": {
      const pct = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
      const n = pct ? Number(pct[1]) / 100 : Number(text);
      return Number.isFinite(n) && n >= 0 ? n : null;
    }
    case "count": {
      const n = Number(text);
      return Number.isInteger(n) && n >= 0 ? n : null;
    }
  }
}

/**
 * HEALTH_THRESHOLDS: "size_growth=0.8, latency_p95=2m, silence=10" over the defaults above.
 * Returns the settings, or the problems (naming each bad item) for the env check.
 */
export function parseHealthSettings(text: string | undefined): HealthSettings | string[] {
  const out = { ...DEFAULT_HEALTH_SETTINGS };
  const problems: string[] = [];
  for (const item of (text ?? "").split(",").map((s) => s.trim())) {
    if (!item) continue;
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    if (!Object.hasOwn(SETTINGS, key)) {
      problems.push(`unknown health setting "${key}" (known: ${Object.keys(SETTINGS).join(", ")})`);
      continue;
    }
    const unit = settingUnit(key);
    const value = eq < 0 ? null : parseValue(unit, item.slice(eq + 1));
    if (value === null) {
      const like = { ratio: "0.5 or 50%", count: "a whole number", duration: "30s, 10m or 2h", size: "1mb" }[
        unit
      ];
      problems.push(`${key} expects ${like}, got "${item.slice(eq + 1)}"`);
      continue;
    }
    out[key as SettingKey] = value;
  }
  return problems.length ? problems : out;
}
