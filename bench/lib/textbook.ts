/**
 * Baseline (a) of the hot-SKU benchmark: the textbook recipe — a Redis SET NX PX lock around a
 * read-check-write transaction, one request at a time per SKU. Same database kind and client as
 * anchorbot, so the difference is the design, not the parts.
 */
import { randomUUID } from "node:crypto";
import { createClient } from "@libsql/client";
import { Hono } from "hono";
import { Redis } from "ioredis";

const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export async function textbookApp(dbFile: string, redisUrl: string) {
  // One connection, WAL and synchronous=NORMAL: the same settings anchorbot's writer uses.
  const db = createClient({ url: `file:${dbFile}`, concurrency: 1 });
  await db.execute("PRAGMA journal_mode=WAL");
  await db.execute("PRAGMA synchronous=NORMAL");
  await db.execute(
    "CREATE TABLE IF NOT EXISTS skus (sku TEXT PRIMARY KEY, on_hand INTEGER, reserved INTEGER)",
  );
  await db.execute(
    "CREATE TABLE IF NOT EXISTS reservations (id INTEGER PRIMARY KEY, order_no TEXT, sku TEXT, qty INTEGER)",
  );
  const redis = new Redis(redisUrl);
  const app = new Hono();
  app.put("/api/v1/skus/:sku", async (c) => {
    const { on_hand } = await c.req.json<{ on_hand: number }>();
    await db.execute({
      sql: "INSERT OR REPLACE INTO skus VALUES (?, ?, 0)",
      args: [c.req.param("sku"), on_hand],
    });
    return c.json({ ok: true });
  });
  app.get("/api/v1/skus/:sku", async (c) => {
    const r = await db.execute({
      sql: "SELECT on_hand, reserved FROM skus WHERE sku = ?",
      args: [c.req.param("sku")],
    });
    return c.json(r.rows[0]);
  });
  app.post("/api/v1/orders", async (c) => {
    const order = await c.req.json<{ order_no: string; lines: Array<{ sku: string; qty: number }> }>();
    const { sku, qty } = order.lines[0]!;
    const key = `textbook:lock:${sku}`;
    const token = randomUUID();
    const deadline = Date.now() + 5000;
    while ((await redis.set(key, token, "PX", 5000, "NX")) !== "OK") {
      if (Date.now() > deadline) return c.json({ error: "lock_timeout" }, 503);
      await new Promise((r) => setTimeout(r, 2));
    }
    try {
      const tx = await db.transaction("write");
      try {
        const r = await tx.execute({ sql: "SELECT on_hand, reserved FROM skus WHERE sku = ?", args: [sku] });
        const row = r.rows[0] as unknown as { on_hand: number; reserved: number };
        if (row.reserved + qty > Math.floor(row.on_hand * 0.95)) {
          await tx.rollback();
          return c.json({ error: "insufficient_stock" }, 409);
        }
        await tx.execute({ sql: "UPDATE skus SET reserved = reserved + ? WHERE sku = ?", args: [qty, sku] });
        await tx.execute({
          sql: "INSERT INTO reservations (order_no, sku, qty) VALUES (?, ?, ?)",
          args: [order.order_no, sku, qty],
        });
        await tx.commit();
      } finally {
        tx.close();
      }
    } finally {
      await redis.eval(RELEASE, 1, key, token);
    }
    return c.json({ ok: true }, 201);
  });
  return app;
}
