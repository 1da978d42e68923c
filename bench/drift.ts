/**
 * Drift reconciliation (SPEC §6): 1,000,000 orders touched on one day, with their sources' last
 * words and shipments (a few percent drifting), checked by the real drift run on an embedded file.
 * Printed beside a raw keyset scan of the same orders (the pages alone, no sources, no rules)
 * measured in the same run, with time and peak RSS growth for both.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createClient } from "@libsql/client";
import { sql } from "drizzle-orm";
import { createDeps } from "../src/deps.ts";
import { DEFAULT_DRIFT_CONFIG, dayRange, driftThreads, runDrift } from "../src/drift/index.ts";
import { parseEnv } from "../src/env.ts";
import { fmt } from "./lib/load.ts";

const N = Number(process.env.BENCH_DRIFT_N ?? 1_000_000);
const DAY = "2026-11-28";
const TZ = "Asia/Shanghai";

/** One statement per table with recursive CTEs; i % 10 picks the order's story. */
export async function generate(file: string, start: number) {
  const db = createClient({ url: `file:${file}` });
  await db.execute("PRAGMA journal_mode=WAL");
  await db.execute("PRAGMA synchronous=OFF");
  const step = Math.floor(86_400_000 / N);
  const seq = `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${N})`;
  const u = `(${start} + i * ${step})`;
  const H = 3_600_000;
  // 0-3 in transit, 4-5 delivered, 6 paid, 7 shipped (taobao), 8 completed (taobao), 9 created.
  const anchor = `CASE i % 10 WHEN 6 THEN 'paid' WHEN 7 THEN 'shipped_at_warehouse' WHEN 8 THEN 'completed'
    WHEN 9 THEN 'created' WHEN 4 THEN 'delivered' WHEN 5 THEN 'delivered' ELSE 'in_transit' END`;
  const shipped = `i % 10 NOT IN (6, 9)`;
  await db.batch(
    [
      `${seq} INSERT INTO orders (order_no, channel, status_anchor, created_at, paid_at, updated_at, anchor_changed_at)
       SELECT 'DR' || i, CASE WHEN i % 10 IN (7, 8) THEN 'taobao' ELSE 'miniapp' END, ${anchor},
         ${u} - 3 * ${H}, NULL, ${u}, ${u} FROM s`,
      `${seq} INSERT INTO source_statuses (order_no, source, raw_status, fields, event_time, event_id, updated_at)
       SELECT 'DR' || i, CASE WHEN i % 10 IN (7, 8) THEN 'taobao' ELSE 'miniapp' END, v, json_object('status', v),
         ${u} - ${H}, i, ${u}
       FROM (SELECT i, CASE
         WHEN i % 10 = 9 THEN 'created'
         WHEN i % 10 = 7 THEN CASE WHEN i % 100 = 7 THEN 'WAIT_SELLER_SEND_GOODS' ELSE 'WAIT_BUYER_CONFIRM_GOODS' END
         WHEN i % 10 = 8 THEN CASE WHEN i % 1000 = 8 THEN 'TRADE_CLOSED_BY_TAOBAO' ELSE 'TRADE_FINISHED' END
         ELSE 'paid' END AS v FROM s)`,
      `${seq} INSERT INTO source_statuses (order_no, source, raw_status, fields, event_time, event_id, updated_at)
       SELECT 'DR' || i, 'wms', NULL, json_object('packaged_time', (${u} - 3 * ${H}) / 1000, 'logistics_no', 'YT' || (7000000000 + i),
         'outbound_time', (${u} - 2 * ${H}) / 1000, 'status', NULL), ${u} - 2 * ${H}, i, ${u} FROM s WHERE ${shipped}`,
      `${seq} INSERT INTO source_statuses (order_no, source, raw_status, fields, event_time, event_id, updated_at)
       SELECT 'DR' || i, 'logistics', CASE WHEN i % 10 IN (4, 5) THEN '3' ELSE '0' END,
         json_object('state', CASE WHEN i % 10 IN (4, 5) THEN '3' ELSE '0' END, 'ischeck', '0'), ${u}, i, ${u}
       FROM s WHERE i % 10 < 6`,
      `${seq} INSERT INTO shipments (order_no, waybill_no, carrier, state, last_node_text, last_node_at, picked_up_at, signed_at, event_time, updated_at)
       SELECT 'DR' || i, 'YT' || (7000000000 + i), 'yuantong', CASE WHEN i % 10 IN (4, 5) THEN '3' ELSE '0' END, '快件已到达【杭州中转部】',
         ${u}, CASE WHEN i % 10 < 6 THEN ${u} - ${H} END, CASE WHEN i % 10 IN (4, 5) THEN ${u} END, ${u}, ${u} FROM s WHERE ${shipped}`,
    ],
    "write",
  );
  db.close();
}

/** Runs `fn`, sampling RSS every 10 ms: elapsed seconds and the peak growth over the start. */
async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; rssMb: number }> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const t = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds: (performance.now() - t) / 1000, rssMb: (peak - base) / 1048576 };
  } finally {
    clearInterval(timer);
  }
}

export async function benchDrift(): Promise<Record<string, number>> {
  // BENCH_DRIFT_DB reuses (or keeps) a generated file between runs while tuning.
  const reuse = process.env.BENCH_DRIFT_DB;
  const dir = reuse ? dirname(reuse) : mkdtempSync(join(tmpdir(), "anchorbot-drift-"));
  const file = reuse ?? join(dir, "drift.db");
  const fresh = !existsSync(file);
  try {
    const config = parseEnv({ DATABASE_URL: `file:${file}`, LOG_LEVEL: "warn", DATA_DIR: dir });
    const deps = await createDeps(config, "bench-token-0123456789");
    const { start, end } = dayRange(DAY, TZ);
    const g = fresh ? await measure(() => generate(file, start)) : { seconds: 0, rssMb: 0, value: undefined };
    const asOf = end + 2 * 3_600_000;
    const limit = DEFAULT_DRIFT_CONFIG.pageSize;

    // Baselines: the same orders in the same keyset pages, nothing else — through @libsql/client,
    // and prepared on the hot reader the drift run uses.
    const pageSql = `SELECT order_no, status_anchor, paid_at, created_at, updated_at, anchor_changed_at FROM orders
      WHERE updated_at >= ? AND updated_at < ? AND (updated_at > ? OR order_no > ?)
      ORDER BY updated_at, order_no LIMIT ${limit}`;
    const keyset = async (read: (args: unknown[]) => Promise<Array<Record<string, unknown>>>) => {
      let rows = 0;
      let u = -1;
      let no = "";
      for (;;) {
        const page: Array<Record<string, unknown>> = await read([Math.max(start, u), end, u, no]);
        rows += page.length;
        if (page.length < limit) break;
        const last: Record<string, unknown> = page[page.length - 1]!;
        u = Number(last.updated_at);
        no = String(last.order_no);
      }
      return rows;
    };
    const raw = await measure(() =>
      keyset(
        async (args) =>
          (await deps.database.readClient.execute({ sql: pageSql, args: args as number[] })).rows,
      ),
    );
    const hot = deps.database.hot;
    const prepared = hot
      ? await measure(() => {
          const stmt = hot.prepare(
            () => sql`SELECT order_no, status_anchor, paid_at, created_at, updated_at, anchor_changed_at FROM orders
              WHERE updated_at >= ${sql.placeholder("a")} AND updated_at < ${sql.placeholder("b")}
              AND (updated_at > ${sql.placeholder("c")} OR order_no > ${sql.placeholder("d")})
              ORDER BY updated_at, order_no LIMIT ${limit}`,
          );
          return keyset(async ([a, b, c, d]) => stmt({ a, b, c, d }));
        })
      : null;

    const drift = await measure(() =>
      runDrift({
        db: deps.db,
        hot: deps.database.hot,
        writer: deps.writer,
        rules: deps.rules,
        timeZone: TZ,
        day: DAY,
        now: asOf,
      }),
    );
    await deps.close();

    const r = drift.value;
    console.log(
      `drift reconciliation: ${fmt(N)} orders touched on ${DAY} on an embedded file (generated in ${fmt(g.seconds, 1)} s), pages of ${fmt(limit)}`,
    );
    console.log(
      `  raw keyset scan of the orders      ${fmt(raw.seconds, 2).padStart(6)} s   peak RSS +${fmt(raw.rssMb)} MB   (${fmt(raw.value)} rows, @libsql/client)`,
    );
    if (prepared)
      console.log(
        `  … prepared, same reader as the run ${fmt(prepared.seconds, 2).padStart(6)} s   peak RSS +${fmt(prepared.rssMb)} MB   (${fmt(prepared.value)} rows)`,
      );
    const vsPrepared = prepared ? `, ${fmt(drift.seconds / prepared.seconds, 1)}× the prepared scan` : "";
    console.log(
      `  drift run (sources, rules, writes) ${fmt(drift.seconds, 2).padStart(6)} s   peak RSS +${fmt(drift.rssMb)} MB   (${fmt(r.scanned)} checked, ${fmt(r.found)} drifting, ${driftThreads()} threads; ${fmt(drift.seconds / raw.seconds, 1)}× the client scan${vsPrepared}; target ≤ 15 s)`,
    );
    return {
      "drift seconds": drift.seconds,
      "raw scan seconds": raw.seconds,
      "drift rss mb": drift.rssMb,
      found: r.found,
    };
  } finally {
    if (!reuse) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDrift();
