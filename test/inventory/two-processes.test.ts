import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import { redisOrSkip } from "../helpers/redis.ts";
import { type Service, startService } from "../helpers/service.ts";

const redis = await redisOrSkip("two service processes with a Redis lock");
const TOKEN = "two-process-token-0123456789";
const dir = mkdtempSync(join(tmpdir(), "anchorbot-2p-"));
const services: Service[] = [];
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function post(s: Service, path: string, body: unknown, method = "POST") {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.skipIf(redis.skip)("two service processes sharing one database file and a Redis lock", () => {
  it("let exactly 95 of 2,000 concurrent one-unit orders through on on_hand=100", async () => {
    const env = {
      DATABASE_URL: `file:${join(dir, "shared.db")}`,
      DATA_DIR: dir,
      API_TOKEN: TOKEN,
      REDIS_URL: redis.url,
    };
    services.push(await startService(env));
    services.push(await startService(env));
    const [a, b] = services as [Service, Service];
    onTestFailed(() => {
      console.error(
        `--- service A output ---\n${a.output().slice(-4000)}\n--- service B output ---\n${b.output().slice(-4000)}`,
      );
    });
    expect((await post(a, "/api/v1/skus/HOT", { on_hand: 100 }, "PUT")).status).toBe(200);

    const order = (i: number) => ({
      order_no: `P${i}`,
      status: "created",
      lines: [{ sku: "HOT", qty: 1, unit_price: 1000 }],
    });
    // 2,000 requests, half at each process, 100 in flight per process.
    const statuses: number[] = [];

    await Promise.all(
      [a, b].map(async (svc, k) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: 100 }, async () => {
            while (next < 1000) {
              const i = k * 1000 + next++;
              statuses.push(
                await post(svc, "/api/v1/orders", order(i)).then(
                  (r) => r.status,
                  () => -1,
                ),
              );
            }
          }),
        );
      }),
    );
    expect(
      statuses.filter((s) => s === 201),
      a.output() + b.output(),
    ).toHaveLength(95);
    const odd = statuses.filter((s) => s !== 201 && s !== 409);
    expect(odd, `${[...new Set(odd)]}\n${a.output().slice(-3000)}\n${b.output().slice(-3000)}`).toEqual([]);

    const sku = await fetch(`${b.url}/api/v1/skus/HOT`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await sku.json()).toMatchObject({ on_hand: 100, reserved: 95 });
    const db = createClient({ url: env.DATABASE_URL });
    const held = await db.execute(
      "select count(*) as n from reservations where sku = 'HOT' and status = 'held'",
    );
    const ledger = await db.execute("select sum(delta_reserved) as r from stock_movements where sku = 'HOT'");
    db.close();
    expect(Number(held.rows[0]!.n)).toBe(95);
    expect(Number(ledger.rows[0]!.r)).toBe(95);
  }, 120_000);
});
