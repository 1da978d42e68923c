import { asc, eq } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { healthSignals } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { getAdapter } from "../sources/index.ts";
import { type HealthSettings, SIGNALS } from "./config.ts";
import { measureShapes, type ShapeFigures } from "./measure.ts";

export interface SignalView {
  signal: string;
  label: string;
  severity: "P1" | "P2" | "P3";
  state: "ok" | "warn";
  value: number;
  threshold: number;
  detail: string;
  example: string | null;
  since: number;
}

export interface SourceBoardLine {
  source: string;
  state: "ok" | "warn";
  warnings: number;
  /** The most urgent warning, or null when all is well. */
  worst: SignalView | null;
  evaluatedAt: number;
}

const RANK = new Map(SIGNALS.map((d, i) => [d.id, i]));
const DEF = new Map(SIGNALS.map((d) => [d.id, d]));

function view(r: typeof healthSignals.$inferSelect): SignalView {
  const def = DEF.get(r.signal);
  return {
    signal: r.signal,
    label: def?.label ?? r.signal,
    severity: def?.severity ?? "P3",
    state: r.state,
    value: r.value,
    threshold: r.threshold,
    detail: r.detail,
    example: r.example,
    since: r.since,
  };
}

/** Warnings first (most urgent first), then the rest in board order. */
const byUrgency = (a: SignalView, b: SignalView) =>
  (a.state === "warn" ? 0 : 1) - (b.state === "warn" ? 0 : 1) ||
  (RANK.get(a.signal) ?? 99) - (RANK.get(b.signal) ?? 99);

/** The board: one line per evaluated source with its state and its worst signal. */
export async function healthBoard(db: Reader): Promise<SourceBoardLine[]> {
  const rows = await db.select().from(healthSignals).orderBy(asc(healthSignals.source));
  const bySource = new Map<string, Array<typeof healthSignals.$inferSelect>>();
  for (const r of rows) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r]);
  return [...bySource].map(([source, list]) => {
    const signals = list.map(view).sort(byUrgency);
    const warnings = signals.filter((s) => s.state === "warn");
    return {
      source,
      state: warnings.length ? "warn" : "ok",
      warnings: warnings.length,
      worst: warnings[0] ?? null,
      evaluatedAt: Math.max(...list.map((r) => r.updatedAt)),
    };
  });
}

export interface SourceHealthDetail {
  source: string;
  signals: SignalView[];
  shapes: ShapeFigures;
  evaluatedAt: number | null;
}

/** One source in detail: every signal (warnings first) and its learned shapes with what changed. */
export async function sourceHealth(
  db: Reader,
  source: string,
  now: number,
  settings: HealthSettings,
): Promise<SourceHealthDetail> {
  if (!getAdapter(source)) throw new AppError("unknown_source", `unknown source "${source}"`);
  const rows = await db.select().from(healthSignals).where(eq(healthSignals.source, source));
  return {
    source,
    signals: rows.map(view).sort(byUrgency),
    shapes: await measureShapes(db, source, now, settings),
    evaluatedAt: rows.length ? Math.max(...rows.map((r) => r.updatedAt)) : null,
  };
}
