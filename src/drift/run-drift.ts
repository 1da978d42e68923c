import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { RuleSet } from "../anchors/rules.ts";
import type { Reader } from "../db/client.ts";
import type { HotReader } from "../db/hot-reader.ts";
import { driftItems, driftRuns } from "../db/schema/index.ts";
import type { Writer } from "../db/writer.ts";
import type { DriftFinding } from "./check-order.ts";
import { DEFAULT_DRIFT_CONFIG, type DriftConfig } from "./config.ts";
import { findDrift } from "./find-drift.ts";
import { driftThreads, findDriftParallel } from "./parallel.ts";

export interface RunDriftInput {
  db: Reader;
  /** Prepared reads on the embedded file (`deps.database.hot`), for the scan. */
  hot?: HotReader | null;
  writer: Writer;
  rules: RuleSet;
  timeZone: string;
  day: string;
  now: number;
  config?: DriftConfig;
  progress?: (line: string) => void;
  /**
   * Worker threads for the scan (embedded file only, needs `hot`); 1 scans in this thread.
   * Defaults to the cores, at most 4.
   */
  threads?: number;
}

export interface RunDriftResult {
  runId: number;
  day: string;
  scanned: number;
  found: number;
  /** Found in this run and already open in the previous one. */
  carried: number;
  /** Open in the previous run and no longer found. */
  resolved: number;
  previousRunId: number | null;
}

/** The latest run that finished: the one whose open items this run carries or resolves. */
export async function latestOkRun(db: Reader) {
  const [run] = await db
    .select()
    .from(driftRuns)
    .where(eq(driftRuns.status, "ok"))
    .orderBy(desc(driftRuns.id))
    .limit(1);
  return run ?? null;
}

/**
 * One drift reconciliation: a `drift_runs` row, the items in batches (each (order, kind) keeping
 * the first_seen_at of the previous run's open item), and at the end, in one transaction, the
 * previous run's items no longer found marked resolved and the run finished with its counts — so
 * a run is either `ok` with everything stored or `failed`, and readers only trust `ok` runs.
 */
export async function runDrift(input: RunDriftInput): Promise<RunDriftResult> {
  const { db, writer, now, day } = input;
  const config = input.config ?? DEFAULT_DRIFT_CONFIG;
  const prev = await latestOkRun(db);
  const [row] = await writer.run((tx) =>
    tx.insert(driftRuns).values({ day, startedAt: now, status: "running" }).returning({ id: driftRuns.id }),
  );
  const runId = row!.id;
  try {
    let scanned = 0;
    let found = 0;
    let carried = 0;
    const scan = {
      db,
      hot: input.hot,
      rules: input.rules,
      timeZone: input.timeZone,
      day,
      asOf: now,
      config,
      recheckRunId: prev?.id ?? null,
    };
    // Only the embedded file has threads to spare (and Workers have no worker_threads).
    const threads = input.hot ? (input.threads ?? driftThreads()) : 1;
    const pages =
      input.hot && threads > 1
        ? findDriftParallel({
            ...scan,
            hot: input.hot,
            threads,
            onFallback: (e) =>
              input.progress?.(`worker threads unavailable (${e.message}); scanning in one thread`),
          })
        : findDrift(scan);
    for await (const page of pages) {
      scanned += page.orderNos.length;
      if (page.findings.length > 0) {
        const firstSeen = prev ? await openItems(db, prev.id, page.findings) : new Map<string, number>();
        const rows = page.findings.map((f) => {
          const seen = firstSeen.get(`${f.orderNo}\u0000${f.kind}`);
          if (seen !== undefined) carried++;
          return { runId, ...f, firstSeenAt: seen ?? now };
        });
        for (let i = 0; i < rows.length; i += config.writeBatch) {
          const chunk = rows.slice(i, i + config.writeBatch);
          await writer.run((tx) => tx.insert(driftItems).values(chunk));
        }
        found += rows.length;
      }
      input.progress?.(`checked ${scanned} orders, ${found} drifting`);
    }
    const resolved = await writer.run(async (tx) => {
      let n = 0;
      if (prev) {
        const res = await tx
          .update(driftItems)
          .set({ resolvedAt: now, resolvedRunId: runId })
          .where(
            and(
              eq(driftItems.runId, prev.id),
              isNull(driftItems.resolvedAt),
              sql`not exists (select 1 from drift_items cur where cur.run_id = ${runId}
                and cur.order_no = drift_items.order_no and cur.kind = drift_items.kind)`,
            ),
          );
        n = res.rowsAffected;
      }
      await tx
        .update(driftRuns)
        .set({ status: "ok", finishedAt: now, scanned, found, resolved: n })
        .where(eq(driftRuns.id, runId));
      return n;
    });
    return { runId, day, scanned, found, carried, resolved, previousRunId: prev?.id ?? null };
  } catch (e) {
    await writer.run((tx) =>
      tx.update(driftRuns).set({ status: "failed", finishedAt: now }).where(eq(driftRuns.id, runId)),
    );
    throw e;
  }
}

/** first_seen_at of the previous run's open items for these findings' (order, kind). */
async function openItems(db: Reader, prevRunId: number, findings: DriftFinding[]) {
  const nos = [...new Set(findings.map((f) => f.orderNo))];
  const rows = await db
    .select({ orderNo: driftItems.orderNo, kind: driftItems.kind, firstSeenAt: driftItems.firstSeenAt })
    .from(driftItems)
    .where(
      and(
        eq(driftItems.runId, prevRunId),
        isNull(driftItems.resolvedAt),
        inArray(driftItems.orderNo, sql`(select value from json_each(${JSON.stringify(nos)}))`),
      ),
    );
  return new Map(rows.map((r) => [`${r.orderNo}\u0000${r.kind}`, r.firstSeenAt]));
}
