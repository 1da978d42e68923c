/**
 * Hot-SKU reservations (SPEC §6): 200 concurrent buyers on one SKU through the HTTP API, embedded
 * mode. Printed beside (a) the textbook Redis SET NX PX lock around read-check-write, and (b) raw
 * conditional UPDATE throughput on the same kind of database file, both measured in this run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { blast, fmt, get, type Req, startServer } from "./lib/load.ts";

const N = Number(process.env.BENCH_HOT_N ?? 30_000);
const BUYERS = 200;
const TOKEN = "bench-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

function order(i: number, prefix: string, sku: string): Req {
  const body = JSON.stringify({
    order_no: `${prefix}${i}`,
    status: "created",
    lines: [{ sku, qty: 1, unit_price: 9900 }],
  });
  return { path: "/api/v1/orders", body: Buffer.from(body), headers: auth };
}

async function putSku(port: number, sku: string, onHand: number) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/skus/${sku}`, {
    method: "PUT",
    headers: auth,
    body: JSON.stringify({ on_hand: onHand }),
  });
  if (!res.ok) throw new Error(`PUT sku: ${res.status} ${await res.text()}`);
}

async function run(mode: "anchorbot" | "textbook", dir: string, redisUrl: string) {
  // The last tenth of the buyers find the SKU sold out, so refusals are measured too.
  const onHand = Math.ceil((N * 0.9) / 0.95);
  const reservable = Math.floor(onHand * 0.95 + 1e-9);
  const svc = await startServer([mode, join(dir, `${mode}.db`), redisUrl]);
  try {
    await putSku(svc.port, "WARM", 1_000_000);
    await blast(svc.port, 3000, BUYERS, (i) => order(i, "warm-", "WARM"));
    await putSku(svc.port, "HOT", onHand);
    const r = await blast(svc.port, N, BUYERS, (i) => order(i, "b-", "HOT"));
    const sku = JSON.parse(await get(svc.port, "/api/v1/skus/HOT", { authorization: `Bearer ${TOKEN}` }));
    return {
      perSecond: r.perSecond,
      p99: r.p99Ms,
      created: r.ok,
      errors: r.errors + r.non2xx - (N - r.ok),
      reservable,
      reserved: sku.reserved as number,
      oversell: Math.max(0, (sku.reserved as number) - reservable, r.ok - reservable),
    };
  } finally {
    svc.stop();
  }
}

async function rawUpdates(dir: string): Promise<number> {
  const db = createClient({ url: `file:${join(dir, "raw.db")}` });
  // The same durability settings anchorbot's writer uses, so only the design differs.
  await db.execute("PRAGMA journal_mode=WAL");
  await db.execute("PRAGMA synchronous=NORMAL");
  await db.execute("CREATE TABLE skus (sku TEXT PRIMARY KEY, on_hand INTEGER, reserved INTEGER)");
  await db.execute("INSERT INTO skus VALUES ('HOT', 1000000000, 0)");
  const n = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await db.execute({
      sql: "UPDATE skus SET reserved = reserved + ? WHERE sku = ? AND reserved + ? <= CAST(on_hand * 0.95 AS INTEGER)",
      args: [1, "HOT", 1],
    });
  }
  const perSecond = n / ((performance.now() - t0) / 1000);
  db.close();
  return perSecond;
}

export async function benchHotSku(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "anchorbot-hot-"));
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  try {
    const ours = await run("anchorbot", dir, redisUrl);
    const textbook = await run("textbook", dir, redisUrl);
    const raw = await rawUpdates(dir);
    console.log(
      `hot SKU: ${fmt(N)} one-unit orders on one SKU, ${BUYERS} concurrent buyers over HTTP, embedded file database`,
    );
    console.log(
      `  (b) raw conditional UPDATE      ${fmt(raw)} updates/s (one statement per reservation, no HTTP)`,
    );
    console.log(
      `  (a) textbook Redis lock + tx    ${fmt(textbook.perSecond)} reservations/s, p99 ${textbook.p99} ms, oversell ${textbook.oversell}`,
    );
    console.log(
      `  anchorbot (group commit)        ${fmt(ours.perSecond)} reservations/s, p99 ${ours.p99} ms, oversell ${ours.oversell} (${fmt(ours.created)} created, ${fmt(ours.reserved)} reserved of ${fmt(ours.reservable)} reservable)`,
    );
    console.log(
      `  ratios: ${fmt(ours.perSecond / textbook.perSecond, 1)}× the textbook recipe (target ≥ 4×), ${fmt((ours.perSecond / raw) * 100)}% of raw UPDATE (target ≥ 40%), target ≥ 6,000/s`,
    );
    return { ours: ours.perSecond, textbook: textbook.perSecond, raw, oversell: ours.oversell };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHotSku();
