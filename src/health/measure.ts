import { eq, type SQL, sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { sourceShapes } from "../db/schema/index.ts";
import type { HealthSettings } from "./config.ts";

/** Raw figures for one source over the window, before any threshold is applied. */
export interface SourceFigures {
  window: {
    total: number;
    duplicate: number;
    signature: number;
    parse: number;
    tooLarge: number;
    failed: number;
    handled: number;
    maxSize: number;
    p95Size: number | null;
    p95LatencyMs: number | null;
    events: number;
    unknownStatus: number;
    outOfOrder: number;
  };
  baseline: Baseline;
  lastStoredAt: number | null;
  dead: number;
  oldestWaitingAt: number | null;
}

const STORED = sql`status IN ('received', 'processed', 'failed', 'dead')`;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const maybe = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The p-th percentile of `expr` over the source's inbox rows matching `where`: count, then one offset read. */
async function percentile(db: Reader, expr: SQL, where: SQL, p: number): Promise<number | null> {
  const [c] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM inbox WHERE ${where}`);
  const n = num(c?.n);
  if (n === 0) return null;
  const offset = Math.min(n - 1, Math.ceil(p * n) - 1);
  const [row] = await db.all<{ v: number }>(
    sql`SELECT ${expr} AS v FROM inbox WHERE ${where} ORDER BY 1 LIMIT 1 OFFSET ${offset}`,
  );
  return maybe(row?.v);
}

/** p95 of body sizes over [from, to). */
function sizeP95(db: Reader, source: string, from: number, to: number): Promise<number | null> {
  return percentile(
    db,
    sql`body_size`,
    sql`source = ${source} AND received_at >= ${from} AND received_at < ${to} AND status != 'duplicate'`,
    0.95,
  );
}

/** What a source usually does: its p95 body size and its stored pushes over the baseline. */
export interface Baseline {
  p95Size: number | null;
  stored: number;
  first: number | null;
  last: number | null;
}

/**
 * The baseline over [from, to) — the week before the window. It reads a week of rows, so the
 * caller caches it (it moves slowly); the window is measured fresh every time.
 */
export async function measureBaseline(
  db: Reader,
  source: string,
  from: number,
  to: number,
): Promise<Baseline> {
  const [b] = await db.all<Record<string, unknown>>(sql`
    SELECT count(*) AS n, min(received_at) AS first, max(received_at) AS last FROM inbox
    WHERE source = ${source} AND received_at >= ${from} AND received_at < ${to} AND ${STORED}`);
  return {
    p95Size: await sizeP95(db, source, from, to),
    stored: num(b?.n),
    first: maybe(b?.first),
    last: maybe(b?.last),
  };
}

export async function measureSource(
  db: Reader,
  source: string,
  now: number,
  s: HealthSettings,
  baseline: (from: number, to: number) => Promise<Baseline>,
): Promise<SourceFigures> {
  const from = now - s.window;
  const since = now - s.baseline;
  const [w] = await db.all<Record<string, unknown>>(sql`
    SELECT count(*) AS total,
      sum(status = 'duplicate') AS duplicate,
      sum(status = 'rejected' AND reject_reason = 'signature') AS signature,
      sum(status = 'rejected' AND reject_reason = 'parse') AS parse,
      sum(status = 'rejected' AND reject_reason = 'too_large') AS too_large,
      sum(status IN ('failed', 'dead')) AS failed,
      sum(status IN ('processed', 'failed', 'dead')) AS handled,
      max(CASE WHEN status != 'duplicate' THEN body_size END) AS max_size
    FROM inbox WHERE source = ${source} AND received_at >= ${from}`);
  const [e] = await db.all<Record<string, unknown>>(sql`
    SELECT count(*) AS n, sum(e.flag = 'unknown_status') AS unknown,
      sum(EXISTS (SELECT 1 FROM order_events p WHERE p.order_no = e.order_no AND p.source = e.source
        AND p.id < e.id AND p.event_time > e.event_time)) AS late
    FROM order_events e WHERE e.source = ${source} AND e.received_at >= ${from}`);
  const [last] = await db.all<{ at: number }>(sql`
    SELECT max(received_at) AS at FROM inbox WHERE source = ${source} AND ${STORED}`);
  const [dead] = await db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM inbox WHERE status = 'dead' AND source = ${source}`,
  );
  const [waiting] = await db.all<{ at: number }>(sql`
    SELECT min(received_at) AS at FROM inbox WHERE status IN ('received', 'failed') AND source = ${source}`);
  return {
    window: {
      total: num(w?.total),
      duplicate: num(w?.duplicate),
      signature: num(w?.signature),
      parse: num(w?.parse),
      tooLarge: num(w?.too_large),
      failed: num(w?.failed),
      handled: num(w?.handled),
      maxSize: num(w?.max_size),
      p95Size: await sizeP95(db, source, from, now + 1),
      p95LatencyMs: await percentile(
        db,
        sql`processed_at - received_at`,
        sql`source = ${source} AND received_at >= ${from} AND status = 'processed' AND processed_at IS NOT NULL`,
        0.95,
      ),
      events: num(e?.n),
      unknownStatus: num(e?.unknown),
      outOfOrder: num(e?.late),
    },
    baseline: await baseline(since, from),
    lastStoredAt: maybe(last?.at),
    dead: num(dead?.n),
    oldestWaitingAt: maybe(waiting?.at),
  };
}

export interface ShapeField {
  kind: string;
  path: string;
  types: string;
  example: string | null;
  inboxId: number | null;
  at: number;
  /** For a re-typed field: the types it had. For a missing one: payloads since it was last seen. */
  was?: string;
}

export interface ShapeFigures {
  kinds: Array<{ kind: string; payloads: number; fields: number }>;
  added: ShapeField[];
  retyped: ShapeField[];
  missing: ShapeField[];
}

/** Drops paths under another listed path: a new object is one change, not one per field inside it. */
function outermost(fields: ShapeField[]): ShapeField[] {
  const paths = new Set(fields.map((f) => `${f.kind}\u0000${f.path}`));
  return fields.filter((f) => {
    for (let i = f.path.length - 1; i > 0; i--) {
      const c = f.path[i];
      if ((c === "." || c === "[" || c === "<") && paths.has(`${f.kind}\u0000${f.path.slice(0, i)}`))
        return false;
    }
    return true;
  });
}

/** New, re-typed and missing fields of a source's learned shapes, judged with the settings. */
export async function measureShapes(
  db: Reader,
  source: string,
  now: number,
  s: HealthSettings,
): Promise<ShapeFigures> {
  const rows = await db.select().from(sourceShapes).where(eq(sourceShapes.source, source));
  const roots = new Map(rows.filter((r) => r.path === "$").map((r) => [r.kind, r.seen]));
  const out: ShapeFigures = { kinds: [], added: [], retyped: [], missing: [] };
  for (const [kind, payloads] of roots)
    out.kinds.push({ kind, payloads, fields: rows.filter((r) => r.kind === kind).length - 1 });
  const recent = now - s.shape_window;
  for (const r of rows) {
    if (r.path === "$") continue;
    const base = { kind: r.kind, path: r.path, types: r.types, example: r.example };
    if (r.firstSeq > s.shape_min_samples && r.firstSeenAt >= recent)
      out.added.push({ ...base, inboxId: r.firstInboxId, at: r.firstSeenAt });
    if (r.changedAt !== null && r.changedAt >= recent)
      out.retyped.push({ ...base, inboxId: r.changedInboxId, at: r.changedAt, was: r.changedFrom ?? "" });
    const payloads = roots.get(r.kind) ?? 0;
    const span = r.lastSeq - r.firstSeq + 1;
    const regular = r.seen >= s.shape_min_samples && r.seen >= 0.9 * span;
    const gap = payloads - r.lastSeq;
    if (regular && gap >= s.shape_missing_streak)
      out.missing.push({ ...base, inboxId: r.lastInboxId, at: r.lastSeenAt, was: String(gap) });
  }
  out.added = outermost(out.added);
  out.missing = outermost(out.missing);
  return out;
}
