import { ANCHOR_LABELS, type Anchor } from "../anchors/anchor.ts";
import { shortStamp } from "../shared/day.ts";
import { kindLabel } from "./config.ts";
import type { RunSummary } from "./queries.ts";

export interface FormatOptions {
  timeZone: string;
  /** Markdown (group messages) or plain text (chat replies). */
  markdown?: boolean;
}

export const csvPath = (runId: number) => `/api/v1/drift/runs/${runId}.csv`;

const n = (x: number) => x.toLocaleString("en-US");

/** The drift list as people read it: counts by kind, new vs carried over, resolved, the top items, the link. */
export function formatSummary(s: RunSummary, opts: FormatOptions): string {
  const md = opts.markdown ?? false;
  const b = (t: string) => (md ? `**${t}**` : t);
  const { run } = s;
  const out = [
    `${b(`漂移清单 ${run.day}`)}(第 ${run.id} 次核对,${shortStamp(run.finishedAt ?? run.startedAt, opts.timeZone)})`,
    `核对 ${n(run.scanned)} 单,发现 ${b(n(run.found))} 条漂移:新增 ${n(s.fresh)},延续 ${n(s.carried)};上次以来已解决 ${n(run.resolved)}。`,
  ];
  if (s.byKind.length) {
    out.push("", b("按类型"));
    for (const k of s.byKind) out.push(`- ${k.label}:${n(k.count)}(新增 ${n(k.fresh)},延续 ${n(k.carried)})`);
    out.push("", b(`前 ${s.top.length} 条`));
    s.top.forEach((i, idx) => {
      const since = i.firstSeenAt < run.startedAt ? `,自 ${shortStamp(i.firstSeenAt, opts.timeZone)} 起` : "";
      const anchor = i.anchor ? (ANCHOR_LABELS[i.anchor as Anchor] ?? i.anchor) : "—";
      out.push(`${idx + 1}. ${i.orderNo} ${kindLabel(i.kind)}(锚点 ${anchor}${since}):${i.detail}`);
    });
  } else {
    out.push("", "没有漂移,各系统与锚点一致。");
  }
  const link = csvPath(run.id);
  out.push("", md ? `[完整清单 CSV](${link})` : `完整清单:${link}`);
  return out.join("\n");
}
