/**
 * Metrics over the paid-order fact table (SPEC §2.5, issue #8): 1,000,000 paid orders over a
 * year on four channels; "a month by channel" answered by the real queryMetric for the headline
 * figures. The fact table is built by the real rebuildFacts from the generated orders (its time
 * is printed too). Baselines in the same run: the same figures straight from the orders table,
 * through its paid_at index and as a full scan.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createClient } from "@libsql/client";
import { createDeps } from "../src/deps.ts";
import { parseEnv } from "../src/env.ts";
import { queryMetric, rebuildFacts } from "../src/facts/index.ts";
import { dayRange } from "../src/shared/day.ts";
import { fmt } from "./lib/load.ts";

const N = Number(process.env.BENCH_METRICS_N ?? 1_000_000);
const TZ = "Asia/Shanghai";
const YEAR_START = Date.parse("2026-01-01T00:00:00+08:00");
const MONTH = { from: "2026-11-01", to: "2026-11-30" };
const IDS = ["paid_amount", "gmv", "paid_orders", "buyers", "aov"];

/** Orders, lines and addresses in three statements; i picks the channel, buyer and amounts. */
async function generate(file: string) {
  const db = createClient({ url: `file:${file}` });
  await db.execute("PRAGMA journal_mode=WAL");
  await db.execute("PRAGMA synchronous=OFF");
  const seq = `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${N})`;
  const step = Math.floor((365 * 86_400_000) / N);
  const paid = `(${YEAR_START} + i * ${step} + (i * 7919) % ${step})`;
  const goods = `(((i * 2654435761) % 40000) + 990)`;
  await db.batch(
    [
      `${seq} INSERT INTO orders (order_no, channel, status_anchor, buyer_id, order_amount, shipping_fee, shipping_borne_by,
         discount_total, actual_paid, created_at, paid_at, snapshot_event_time, updated_at)
       SELECT 'BM' || i, CASE i % 4 WHEN 0 THEN 'taobao' WHEN 1 THEN 'pdd' WHEN 2 THEN 'shopee' ELSE 'miniapp' END,
         CASE WHEN i % 50 = 0 THEN 'cancelled' ELSE 'completed' END, 'b' || ((i * 48271) % 300000),
         ${goods}, CASE WHEN i % 3 = 0 THEN 800 ELSE 0 END, 'buyer', ${goods} / 10,
         ${goods} - ${goods} / 10 + CASE WHEN i % 3 = 0 THEN 800 ELSE 0 END,
         ${paid} - 600000, ${paid}, ${paid}, ${paid} FROM s`,
      `${seq} INSERT INTO order_lines (order_no, line_no, sku, qty, unit_price)
       SELECT 'BM' || i, 1, 'SKU-' || (i % 500), 1 + i % 3, ${goods} / (1 + i % 3) FROM s`,
      `${seq} INSERT INTO addresses (order_no, province) SELECT 'BM' || i,
         CASE i % 5 WHEN 0 THEN '浙江省' WHEN 1 THEN '广东省' WHEN 2 THEN '江苏省' WHEN 3 THEN '四川省' ELSE '北京市' END FROM s`,
    ],
    "write",
  );
  db.close();
}

/** Median of `runs` timings in milliseconds. */
async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export async function benchMetrics(): Promise<Record<string, number>> {
  // BENCH_METRICS_DB reuses (or keeps) the generated file and its fact table between runs.
  const reuse = process.env.BENCH_METRICS_DB;
  const dir = reuse ? dirname(reuse) : mkdtempSync(join(tmpdir(), "anchorbot-metrics-"));
  const file = reuse ?? join(dir, "metrics.db");
  const fresh = !existsSync(file);
  try {
    const config = parseEnv({ DATABASE_URL: `file:${file}`, LOG_LEVEL: "warn", DATA_DIR: dir });
    const deps = await createDeps(config, "bench-token-0123456789");
    let genSeconds = 0;
    let rebuildSeconds = 0;
    if (fresh) {
      let t = performance.now();
      await generate(file);
      genSeconds = (performance.now() - t) / 1000;
      t = performance.now();
      await deps.writer.run((tx) => rebuildFacts(tx, Date.now()));
      rebuildSeconds = (performance.now() - t) / 1000;
    }
    const ask = (id: string) => queryMetric({ db: deps.db, id, ...MONTH, by: "channel", timeZone: TZ });
    // One at a time: the figure is what one question costs, not what a burst of them shares.
    const each: [string, number][] = [];
    for (const id of IDS) each.push([id, await median(7, () => ask(id))]);
    const one = each[0]![1];
    const byDay = await median(5, () =>
      queryMetric({ db: deps.db, id: "paid_amount", ...MONTH, by: "day", timeZone: TZ }),
    );
    const answer = await ask("paid_amount");

    // Baselines: the same month by channel from the orders table, as the daily figures read it.
    const start = dayRange(MONTH.from, TZ).start;
    const end = dayRange(MONTH.to, TZ).end;
    const figures = `channel, sum(actual_paid), sum(order_amount), count(*), count(distinct buyer_id)`;
    const viaIndex = await median(5, () =>
      deps.database.readClient.execute({
        sql: `select ${figures} from orders where paid_at >= ? and paid_at < ? group by channel`,
        args: [start, end],
      }),
    );
    const fullScan = await median(3, () =>
      deps.database.readClient.execute({
        sql: `select ${figures} from orders not indexed where paid_at >= ? and paid_at < ? group by channel`,
        args: [start, end],
      }),
    );
    const [{ n } = { n: 0 }] = (
      await deps.database.readClient.execute({
        sql: "select count(*) as n from order_facts where paid_at >= ? and paid_at < ?",
        args: [start, end],
      })
    ).rows as unknown as { n: number }[];
    await deps.close();

    console.log(
      `metrics: ${fmt(N)} paid orders over 2026 on an embedded file (generated in ${fmt(genSeconds, 1)} s; fact table rebuilt in ${fmt(rebuildSeconds, 1)} s${fresh ? "" : ", reused"}); ${MONTH.from}..${MONTH.to} holds ${fmt(Number(n))}`,
    );
    console.log(
      `  orders table, paid_at index         ${fmt(viaIndex, 1).padStart(7)} ms   (5 figures by channel, no caliber, no cancelled/unpaid rules)`,
    );
    console.log(`  orders table, full scan             ${fmt(fullScan, 1).padStart(7)} ms`);
    console.log(
      `  支付金额 a month by channel           ${fmt(one, 1).padStart(7)} ms   (${fmt(viaIndex / one, 1)}× faster than the indexed orders read; target ≤ 200 ms)`,
    );
    for (const [id, ms] of each.slice(1))
      console.log(`  ${id.padEnd(16)} a month by channel ${fmt(ms, 1).padStart(7)} ms`);
    console.log(`  支付金额 a month by day               ${fmt(byDay, 1).padStart(7)} ms`);
    console.log(
      `  answer: ${answer.rows.map((r) => `${r.key} ${fmt((r.value ?? 0) / 100)} 元`).join(", ")}; total ${fmt((answer.total ?? 0) / 100)} 元`,
    );
    return {
      "metric ms": one,
      ...Object.fromEntries(each.map(([id, ms]) => [`${id} ms`, ms])),
      "by day ms": byDay,
      "orders index ms": viaIndex,
      "orders scan ms": fullScan,
      "rebuild seconds": rebuildSeconds,
    };
  } finally {
    if (!reuse) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMetrics();
