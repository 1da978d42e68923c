/**
 * Webhook ingest: 2 KB signed pushes over HTTP — signature check, store, de-duplication, then
 * processing — beside bare Hono's requests/s on the same machine, and one 5 MB push stored.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signOwn } from "../src/sources/own-scheme.ts";
import { blast, fmt, get, post, type Req, startServer } from "./lib/load.ts";

const N = Number(process.env.BENCH_INGEST_N ?? 20_000);
const CONCURRENCY = 64;

function push2k(i: number, ts: number): Req {
  const body = JSON.stringify({
    order_no: `B${i}`,
    event_id: `bench-${i}`,
    event_time: "2026-11-28T10:00:00+08:00",
    status: "created",
    buyer: { id: `u${i % 5000}`, phone: `138${String(i).padStart(8, "0")}` },
    address: {
      province: "浙江省",
      city: "杭州市",
      district: "西湖区",
      detail: `文三路${i}号 ${"补充地址".repeat(40)}`,
    },
    lines: Array.from({ length: 6 }, (_, k) => ({
      sku: `SKU-${k}`,
      qty: 1 + (k % 3),
      unit_price: 1990 + k,
      promo_tag: null,
    })),
    shipping_fee: 800,
    shipping_borne_by: "buyer",
    discounts: [{ kind: "coupon", amount: 500, name: "店铺券" }],
  }).padEnd(2048, " ");
  return {
    path: "/webhooks/miniapp",
    body: Buffer.from(body),
    headers: { "content-type": "application/json", ...signOwn("bench-secret", ts, body) },
  };
}

function processedCount(metrics: string): number {
  const m = /anchorbot_inbox_processing_total\{source="miniapp",result="processed"\} (\d+)/.exec(metrics);
  return m ? Number(m[1]) : 0;
}

export async function benchIngest(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "anchorbot-bench-"));
  const ts = Math.floor(Date.now() / 1000);
  const bare = await startServer(["bare"]);
  await blast(bare.port, 2000, CONCURRENCY, (i) => push2k(i, ts)); // warm-up
  const bareRun = await blast(bare.port, N, CONCURRENCY, (i) => push2k(i, ts));
  bare.stop();

  const svc = await startServer(["anchorbot", join(dir, "bench.db")]);
  await blast(svc.port, 2000, CONCURRENCY, (i) => push2k(N + i, ts)); // warm-up
  while (processedCount(await get(svc.port, "/metrics")) < 2000) await new Promise((r) => setTimeout(r, 20));
  const rssBefore = Number(
    /anchorbot_process_resident_memory_bytes (\d+)/.exec(await get(svc.port, "/metrics"))?.[1] ?? 0,
  );
  const base = processedCount(await get(svc.port, "/metrics"));
  const started = performance.now();
  const stored = await blast(svc.port, N, CONCURRENCY, (i) => push2k(i, ts));
  while (processedCount(await get(svc.port, "/metrics")) - base < N)
    await new Promise((r) => setTimeout(r, 20));
  const processedSeconds = (performance.now() - started) / 1000;
  const ok = stored.ok;

  // One 5 MB push: a Taobao trade whose memo carries the bulk.
  const agent = new Agent({ keepAlive: true });
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const body = JSON.stringify({
      trade_fullinfo_get_response: {
        trade: {
          tid: 4187652309900000000 + k,
          tid_str: String(4187652309900000000n + BigInt(k)),
          status: "WAIT_SELLER_SEND_GOODS",
          modified: "2026-11-28 10:00:00",
          created: "2026-11-28 09:00:00",
          payment: "10.00",
          total_fee: "10.00",
          post_fee: "0.00",
          seller_memo: "备".repeat((5 * 1024 * 1024) / 3),
          orders: {
            order: [
              {
                oid: 1,
                num: 1,
                price: "10.00",
                payment: "10.00",
                total_fee: "10.00",
                outer_sku_id: "S1",
                refund_status: "NO_REFUND",
                status: "WAIT_SELLER_SEND_GOODS",
              },
            ],
          },
        },
      },
    });
    const t0 = performance.now();
    const res = await post(agent, svc.port, {
      path: "/webhooks/taobao",
      body: Buffer.from(body),
      headers: { "content-type": "application/json", ...signOwn("bench-secret", ts, body) },
    });
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`5 MB push answered ${res.status}: ${res.body}`);
  }
  agent.destroy();
  await new Promise((r) => setTimeout(r, 500));
  const rssAfter = Number(
    /anchorbot_process_resident_memory_bytes (\d+)/.exec(await get(svc.port, "/metrics"))?.[1] ?? 0,
  );
  svc.stop();
  rmSync(dir, { recursive: true, force: true });

  const median5mb = times.sort((a, b) => a - b)[2]!;
  console.log(`ingest: ${fmt(N)} signed 2 KB pushes, ${CONCURRENCY} in flight, embedded file database`);
  console.log(`  bare Hono (ceiling)        ${fmt(bareRun.perSecond)} req/s`);
  console.log(
    `  anchorbot stored (200)     ${fmt(stored.perSecond)} events/s  = ${fmt((stored.perSecond / bareRun.perSecond) * 100)}% of bare Hono  (target ≥ 4,000/s; ${fmt(ok)}/${fmt(N)} answered 200, p99 ${stored.p99Ms} ms)`,
  );
  console.log(`  anchorbot stored+processed ${fmt(N / processedSeconds)} events/s`);
  console.log(`  one 5 MB push stored       ${fmt(median5mb, 1)} ms median of 5 (target ≤ 250 ms)`);
  console.log(
    `  server RSS                 ${fmt(rssBefore / 2 ** 20)} MB before → ${fmt(rssAfter / 2 ** 20)} MB after ${fmt(N)} + 5×5 MB pushes`,
  );
  return {
    bare: bareRun.perSecond,
    stored: stored.perSecond,
    processed: N / processedSeconds,
    median5mb,
    ok,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchIngest();
