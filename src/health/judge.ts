import type { HealthSettings, SettingKey } from "./config.ts";
import type { ShapeField, ShapeFigures, SourceFigures } from "./measure.ts";

/** One signal's verdict for one source. */
export interface SignalResult {
  signal: string;
  warn: boolean;
  value: number;
  threshold: number;
  detail: string;
  example: string | null;
}

export function fmtBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

export function fmtMs(ms: number): string {
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} 小时`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} 分钟`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} 秒`;
  return `${Math.round(ms)} ms`;
}

const pct = (r: number) => `${Math.round(r * 100)}%`;

/** "shopee/order_detail 的 response.x(object),首次见于 inbox #41,示例 {…}". */
export function fieldLine(signal: string, f: ShapeField): string {
  const what =
    signal === "shape_type"
      ? `${f.was} → ${f.types}`
      : signal === "shape_missing"
        ? `${f.types},已连续 ${f.was} 个推送没有`
        : f.types;
  const seen = signal === "shape_missing" ? "最后见于" : signal === "shape_type" ? "变化见于" : "首次见于";
  const where = f.inboxId === null ? "" : `,${seen} inbox #${f.inboxId}`;
  const ex = f.example && signal !== "shape_missing" ? `,示例 ${f.example}` : "";
  return `${f.kind} 的 ${f.path}(${what})${where}${ex}`;
}

function fieldsResult(signal: string, fields: ShapeField[], threshold: number, what: string): SignalResult {
  const first = fields[0];
  return {
    signal,
    warn: fields.length >= threshold,
    value: fields.length,
    threshold,
    detail: fields.length
      ? `${fields.length} 个:${fields
          .slice(0, 5)
          .map((f) => fieldLine(signal, f))
          .join(";")}`
      : `无${what}`,
    example: first ? `inbox #${first.inboxId ?? "?"} ${first.path}` : null,
  };
}

/** Applies the thresholds to one source's figures; every signal gets a verdict, warning or not. */
export function judgeSource(args: {
  f: SourceFigures;
  shapes: ShapeFigures;
  s: HealthSettings;
  bodyLimit: number;
  now: number;
}): SignalResult[] {
  const { f, shapes, s, bodyLimit, now } = args;
  const w = f.window;
  const out: SignalResult[] = [];
  const rate = (signal: string, key: SettingKey, count: number, of: number, what: string) => {
    const r = of > 0 ? count / of : 0;
    out.push({
      signal,
      warn: count >= s.error_min && r >= s[key],
      value: r,
      threshold: s[key],
      detail: `${what} ${count}/${of}(${pct(r)}),阈值 ${pct(s[key])}`,
      example: null,
    });
  };

  out.push({
    signal: "too_large",
    warn: w.tooLarge >= s.too_large,
    value: w.tooLarge,
    threshold: s.too_large,
    detail: `近 ${fmtMs(s.window)} 有 ${w.tooLarge} 个推送超过 BODY_LIMIT(${fmtBytes(bodyLimit)})被拒`,
    example: null,
  });
  const near = w.maxSize / bodyLimit;
  out.push({
    signal: "size_near_limit",
    warn: near >= s.size_near_limit,
    value: near,
    threshold: s.size_near_limit,
    detail: `最大包体 ${fmtBytes(w.maxSize)},为 BODY_LIMIT ${fmtBytes(bodyLimit)} 的 ${pct(near)},阈值 ${pct(s.size_near_limit)}`,
    example: null,
  });

  // Silence: the usual rate over the baseline says how many events the quiet time should have held.
  const b = f.baseline;
  const span = b.first === null || b.last === null ? 0 : b.last - b.first;
  const perMs = span > 0 ? (b.stored - 1) / span : 0;
  const quiet = f.lastStoredAt === null ? 0 : now - f.lastStoredAt;
  const due = b.stored >= s.silence_min_baseline ? perMs * quiet : 0;
  out.push({
    signal: "silence",
    warn: due >= s.silence,
    value: due,
    threshold: s.silence,
    detail:
      b.stored >= s.silence_min_baseline
        ? `已 ${fmtMs(quiet)} 没有推送;按平常每小时 ${(perMs * 3_600_000).toFixed(1)} 个,应已收到约 ${due.toFixed(1)} 个(阈值 ${s.silence})`
        : `基线推送不足 ${s.silence_min_baseline} 个,尚不判断静默`,
    example: null,
  });

  rate("signature", "signature_rate", w.signature, w.total, "签名失败");
  out.push({
    signal: "dead",
    warn: f.dead >= s.dead,
    value: f.dead,
    threshold: s.dead,
    detail: `${f.dead} 个推送重试 10 次后放弃(dead)`,
    example: null,
  });

  const base = f.baseline.p95Size;
  const growth = base && w.p95Size !== null ? w.p95Size / base - 1 : 0;
  out.push({
    signal: "size_growth",
    warn: growth > s.size_growth,
    value: growth,
    threshold: s.size_growth,
    detail:
      base && w.p95Size !== null
        ? `包体 p95 ${fmtBytes(w.p95Size)},7 天基线 ${fmtBytes(base)}(${growth >= 0 ? "+" : ""}${pct(growth)}),阈值 +${pct(s.size_growth)}`
        : "基线不足,尚不判断包体趋势",
    example: null,
  });

  out.push(fieldsResult("shape_new", shapes.added, s.shape_new, "新增字段"));
  out.push(fieldsResult("shape_type", shapes.retyped, s.shape_type, "类型变化字段"));
  const missing = fieldsResult("shape_missing", shapes.missing, s.shape_missing, "消失字段");
  out.push(missing);

  rate("parse", "parse_rate", w.parse, w.total, "解析失败");
  rate("mapping", "mapping_rate", w.failed, w.handled, "处理失败");
  rate("unknown_status", "unknown_status_rate", w.unknownStatus, w.events, "未知状态事件");
  const lat = w.p95LatencyMs ?? 0;
  out.push({
    signal: "latency",
    warn: lat >= s.latency_p95,
    value: lat,
    threshold: s.latency_p95,
    detail: `处理延迟 p95 ${fmtMs(lat)},阈值 ${fmtMs(s.latency_p95)}`,
    example: null,
  });
  const age = f.oldestWaitingAt === null ? 0 : now - f.oldestWaitingAt;
  out.push({
    signal: "backlog",
    warn: age >= s.backlog_age,
    value: age,
    threshold: s.backlog_age,
    detail:
      f.oldestWaitingAt === null
        ? "没有积压"
        : `最老的待处理推送已等 ${fmtMs(age)},阈值 ${fmtMs(s.backlog_age)}`,
    example: null,
  });
  // Duplicates are normal retries; only a share this high says our answers are not reaching the platform.
  const dupRate = w.total > 0 ? w.duplicate / w.total : 0;
  out.push({
    signal: "duplicate",
    warn: w.duplicate >= s.error_min && dupRate >= s.duplicate_rate,
    value: dupRate,
    threshold: s.duplicate_rate,
    detail: `重复推送 ${w.duplicate}/${w.total}(${pct(dupRate)}),阈值 ${pct(s.duplicate_rate)}`,
    example: null,
  });
  rate("out_of_order", "out_of_order_rate", w.outOfOrder, w.events, "乱序事件");
  return out;
}
