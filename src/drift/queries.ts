import { and, asc, desc, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";
import { driftItems, driftRuns } from "../db/schema/index.ts";
import { AppError } from "../errors.ts";
import { DRIFT_KIND_ORDER, kindLabel, kindSuggestion } from "./config.ts";

export type DriftRun = typeof driftRuns.$inferSelect;
export type DriftItem = typeof driftItems.$inferSelect;

export interface KindCount {
  kind: string;
  label: string;
  count: number;
  /** Found for the first time in this run. */
  fresh: number;
  /** Already open in an earlier run. */
  carried: number;
}

export interface RunSummary {
  run: DriftRun;
  byKind: KindCount[];
  fresh: number;
  carried: number;
  top: DriftItem[];
}

/** Most urgent kind first, then the longest-standing, then by order no: the same order everywhere. */
const urgency: SQL = sql.join(
  [
    sql`case ${driftItems.kind}`,
    ...DRIFT_KIND_ORDER.map((k, i) => sql`when ${k} then ${i}`),
    sql`else ${DRIFT_KIND_ORDER.length} end`,
  ],
  sql` `,
);

export async function listRuns(db: Reader, limit = 20): Promise<DriftRun[]> {
  return db.select().from(driftRuns).orderBy(desc(driftRuns.id)).limit(limit);
}

export async function getRun(db: Reader, id: number): Promise<DriftRun> {
  const [run] = await db.select().from(driftRuns).where(eq(driftRuns.id, id));
  if (!run) throw new AppError("not_found", `drift run ${id} not found`);
  return run;
}

/** The latest finished run, of one day or of any. */
export async function latestRun(db: Reader, day?: string): Promise<DriftRun | null> {
  const [run] = await db
    .select()
    .from(driftRuns)
    .where(and(eq(driftRuns.status, "ok"), day ? eq(driftRuns.day, day) : undefined))
    .orderBy(desc(driftRuns.id))
    .limit(1);
  return run ?? null;
}

export async function runSummary(db: Reader, run: DriftRun, top = 10): Promise<RunSummary> {
  const counts = await db
    .select({
      kind: driftItems.kind,
      count: sql<number>`count(*)`,
      carried: sql<number>`sum(${driftItems.firstSeenAt} < ${run.startedAt})`,
    })
    .from(driftItems)
    .where(eq(driftItems.runId, run.id))
    .groupBy(driftItems.kind);
  const rank = (k: string) => {
    const i = DRIFT_KIND_ORDER.indexOf(k as never);
    return i < 0 ? DRIFT_KIND_ORDER.length : i;
  };
  const byKind = counts
    .map((c) => ({
      kind: c.kind,
      label: kindLabel(c.kind),
      count: Number(c.count),
      carried: Number(c.carried ?? 0),
      fresh: Number(c.count) - Number(c.carried ?? 0),
    }))
    .sort((a, b) => rank(a.kind) - rank(b.kind));
  const topItems = await db
    .select()
    .from(driftItems)
    .where(eq(driftItems.runId, run.id))
    .orderBy(urgency, asc(driftItems.firstSeenAt), asc(driftItems.orderNo))
    .limit(top);
  return {
    run,
    byKind,
    fresh: byKind.reduce((n, k) => n + k.fresh, 0),
    carried: byKind.reduce((n, k) => n + k.carried, 0),
    top: topItems,
  };
}

/** One page of a run's items in id order; `after` is the last id of the previous page. */
export async function runItems(
  db: Reader,
  runId: number,
  opts: { after?: number; limit?: number; kind?: string } = {},
): Promise<{ items: DriftItem[]; nextAfter: number | null }> {
  const limit = opts.limit ?? 100;
  const items = await db
    .select()
    .from(driftItems)
    .where(
      and(
        eq(driftItems.runId, runId),
        gt(driftItems.id, opts.after ?? 0),
        opts.kind ? eq(driftItems.kind, opts.kind) : undefined,
      ),
    )
    .orderBy(asc(driftItems.id))
    .limit(limit);
  return { items, nextAfter: items.length === limit ? items[items.length - 1]!.id : null };
}

/**
 * An order's open drift: its items in the latest finished run (every open item of a run is
 * checked again by the next, so older runs' items are either carried into it or resolved).
 */
export async function orderDrift(db: Reader, orderNo: string) {
  const run = await latestRun(db);
  if (!run) return { run: null, open: [] as DriftItem[], resolved: [] as DriftItem[] };
  const open = await db
    .select()
    .from(driftItems)
    .where(and(eq(driftItems.runId, run.id), eq(driftItems.orderNo, orderNo), isNull(driftItems.resolvedAt)))
    .orderBy(urgency);
  const resolved = await db
    .select()
    .from(driftItems)
    .where(and(eq(driftItems.orderNo, orderNo), eq(driftItems.resolvedRunId, run.id)))
    .orderBy(urgency);
  return { run, open, resolved };
}

/** An item as the API and the CSV show it. */
export function itemView(i: DriftItem) {
  return {
    id: i.id,
    run_id: i.runId,
    order_no: i.orderNo,
    kind: i.kind,
    kind_label: kindLabel(i.kind),
    anchor: i.anchor,
    detail: i.detail,
    suggestion: kindSuggestion(i.kind),
    first_seen_at: new Date(i.firstSeenAt).toISOString(),
    resolved_at: i.resolvedAt == null ? null : new Date(i.resolvedAt).toISOString(),
    resolved_run_id: i.resolvedRunId,
  };
}

export function runView(r: DriftRun) {
  return {
    id: r.id,
    day: r.day,
    status: r.status,
    started_at: new Date(r.startedAt).toISOString(),
    finished_at: r.finishedAt == null ? null : new Date(r.finishedAt).toISOString(),
    scanned: r.scanned,
    found: r.found,
    resolved: r.resolved,
  };
}
