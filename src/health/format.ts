import { shortStamp } from "../shared/day.ts";
import type { SourceBoardLine, SourceHealthDetail } from "./board.ts";
import { fieldLine } from "./judge.ts";

/** 健康: one line per source — its state and its worst signal. */
export function formatBoard(lines: SourceBoardLine[], timeZone: string): string {
  if (lines.length === 0)
    return "还没有接口健康数据:收到推送后每分钟评估一次(也可以让管理员运行 npm run job -- health)。";
  const at = shortStamp(Math.max(...lines.map((l) => l.evaluatedAt)), timeZone);
  const out = [`接口健康(${at} 评估):`];
  for (const l of lines) {
    out.push(
      l.worst
        ? `⚠ ${l.source}:${l.warnings} 项告警,最严重 ${l.worst.label} — ${l.worst.detail}`
        : `✓ ${l.source}:正常`,
    );
  }
  out.push("发送「健康 <来源>」查看某个来源的全部信号和字段变化,例如:健康 shopee");
  return out.join("\n");
}

/** 健康 <source>: every signal, warnings first, and the learned shapes with what changed. */
export function formatSourceHealth(d: SourceHealthDetail, timeZone: string): string {
  const out = [
    `${d.source} 接口健康${d.evaluatedAt === null ? "(尚未评估)" : `(${shortStamp(d.evaluatedAt, timeZone)} 评估)`}:`,
  ];
  for (const s of d.signals) {
    const since = s.state === "warn" ? `,自 ${shortStamp(s.since, timeZone)}` : "";
    out.push(`${s.state === "warn" ? "⚠" : "✓"} ${s.label}:${s.detail}${since}`);
    if (s.example) out.push(`   示例:${s.example}`);
  }
  const { kinds, added, retyped, missing } = d.shapes;
  if (kinds.length) {
    out.push(
      `已学习的结构:${kinds.map((k) => `${k.kind}(${k.payloads} 个推送,${k.fields} 个字段)`).join(",")}`,
    );
  }
  const list = (title: string, signal: string, fields: typeof added) => {
    if (fields.length === 0) return;
    out.push(`${title}:`);
    for (const f of fields.slice(0, 10)) out.push(`• ${fieldLine(signal, f)}`);
    if (fields.length > 10) out.push(`…另有 ${fields.length - 10} 个`);
  };
  list("新增字段", "shape_new", added);
  list("类型变化", "shape_type", retyped);
  list("消失字段", "shape_missing", missing);
  return out.join("\n");
}
