import { eq, sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { healthSignals } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";
import type { Notice, Notifier } from "../shared/notifier.ts";
import { SOURCE_NAMES } from "../sources/types.ts";
import { type HealthSettings, SIGNALS, type SignalDef } from "./config.ts";
import { judgeSource, type SignalResult } from "./judge.ts";
import { type Baseline, measureShapes, measureSource } from "./measure.ts";

type Stored = typeof healthSignals.$inferSelect;

export interface EvaluateArgs {
  db: Reader;
  writer: Writer;
  notifier: Notifier;
  now: number;
  settings: HealthSettings;
  bodyLimit: number;
  /** Only these sources (an immediate check after a 413 or a new field); all tracked ones otherwise. */
  sources?: string[];
  /** The week before the window, which the caller may cache: it moves slowly and costs a week of rows. */
  baseline: (source: string, from: number, to: number) => Promise<Baseline>;
}

export interface SourceHealth {
  source: string;
  results: SignalResult[];
}

const DEF = new Map(SIGNALS.map((d) => [d.id, d]));
const RANK = new Map(SIGNALS.map((d, i) => [d.id, i]));

/** Sources that sent anything within the baseline, or that already have a state on the board. */
export async function trackedSources(db: Reader, since: number): Promise<string[]> {
  const out: string[] = [];
  const stored = new Set(
    (await db.selectDistinct({ s: healthSignals.source }).from(healthSignals)).map((r) => r.s),
  );
  for (const source of SOURCE_NAMES) {
    const [hit] = await db.all(
      sql`SELECT 1 FROM inbox WHERE source = ${source} AND received_at >= ${since} LIMIT 1`,
    );
    if (hit || stored.has(source)) out.push(source);
  }
  return out;
}

function warningNotice(source: string, items: Array<{ def: SignalDef; r: SignalResult }>): Notice {
  items.sort((a, b) => RANK.get(a.def.id)! - RANK.get(b.def.id)!);
  const lines = [`**${source}** 接口健康告警:`];
  for (const { def, r } of items) {
    lines.push(`• ${def.label}:${r.detail}`, `  建议:${def.hint}`);
  }
  lines.push(`发送「健康 ${source}」查看详情。`);
  const severity = items.map((i) => i.def.severity).sort()[0]!;
  return {
    to: "integration",
    severity,
    title: `接口健康:${source} ${items.map((i) => i.def.label).join("、")}`,
    text: lines.join("\n"),
  };
}

function resolvedNotice(source: string, items: Array<{ def: SignalDef; r: SignalResult }>): Notice {
  return {
    to: "integration",
    severity: "P3",
    title: `接口健康:${source} 已恢复 ${items.map((i) => i.def.label).join("、")}`,
    text: [
      `**${source}** 以下信号已恢复正常:`,
      ...items.map(({ def, r }) => `• ${def.label}:${r.detail}`),
    ].join("\n"),
  };
}

/**
 * Measures every tracked source, stores each signal's state and tells the integration owner what
 * changed: one message per source for the signals that started warning (a signal already told
 * within notify_interval is not told again), one when told signals are back to normal.
 */
export async function evaluateHealth(args: EvaluateArgs): Promise<SourceHealth[]> {
  const { db, now, settings: s } = args;
  const sources = args.sources ?? (await trackedSources(db, now - s.baseline));
  const out: SourceHealth[] = [];
  for (const source of sources) {
    const figures = await measureSource(db, source, now, s, (from, to) => args.baseline(source, from, to));
    const shapes = await measureShapes(db, source, now, s);
    const results = judgeSource({ f: figures, shapes, s, bodyLimit: args.bodyLimit, now });
    out.push({ source, results });

    const stored = new Map(
      (await db.select().from(healthSignals).where(eq(healthSignals.source, source))).map((r) => [
        r.signal,
        r,
      ]),
    );
    const warned: Array<{ def: SignalDef; r: SignalResult }> = [];
    const resolved: Array<{ def: SignalDef; r: SignalResult }> = [];
    const rows: Stored[] = [];
    for (const r of results) {
      const def = DEF.get(r.signal)!;
      const before = stored.get(r.signal);
      const state = r.warn ? "warn" : "ok";
      const changed = before?.state !== state;
      let notifiedAt = before?.notifiedAt ?? null;
      if (r.warn && changed && (notifiedAt === null || now - notifiedAt >= s.notify_interval)) {
        warned.push({ def, r });
        notifiedAt = now;
      }
      // A resolve message only for a warning somebody was told about.
      if (
        !r.warn &&
        before?.state === "warn" &&
        before.notifiedAt !== null &&
        before.notifiedAt >= before.since
      )
        resolved.push({ def, r });
      rows.push({
        source,
        signal: r.signal,
        state,
        value: r.value,
        threshold: r.threshold,
        detail: r.detail,
        example: r.example,
        since: changed ? now : (before?.since ?? now),
        updatedAt: now,
        notifiedAt,
      });
    }
    await args.writer.run((tx) =>
      tx
        .insert(healthSignals)
        .values(rows)
        .onConflictDoUpdate({
          target: [healthSignals.source, healthSignals.signal],
          set: {
            state: sql`excluded.state`,
            value: sql`excluded.value`,
            threshold: sql`excluded.threshold`,
            detail: sql`excluded.detail`,
            example: sql`excluded.example`,
            since: sql`excluded.since`,
            updatedAt: sql`excluded.updated_at`,
            notifiedAt: sql`excluded.notified_at`,
          },
        }),
    );
    if (warned.length) await args.notifier.send(warningNotice(source, warned));
    if (resolved.length) await args.notifier.send(resolvedNotice(source, resolved));
  }
  return out;
}
