/**
 * A server for benchmarks, run in its own process so the load generator does not share its core:
 *   tsx bench/lib/serve.ts anchorbot <db file>   — the real service on an embedded file
 *   tsx bench/lib/serve.ts bare                  — bare Hono reading the body: the ceiling
 * Prints "PORT <n>" when listening.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createApp } from "../../src/app.ts";
import { createDeps } from "../../src/deps.ts";
import { parseEnv } from "../../src/env.ts";
import { textbookApp } from "./textbook.ts";

const [mode, dbFile, redisUrl] = process.argv.slice(2);
let fetchHandler: (req: Request) => Response | Promise<Response>;
if (mode === "bare") {
  const app = new Hono();
  app.post("/webhooks/:source", async (c) => {
    await c.req.arrayBuffer();
    return c.json({ ok: true });
  });
  fetchHandler = app.fetch;
} else if (mode === "textbook") {
  fetchHandler = (await textbookApp(dbFile!, redisUrl!)).fetch;
} else {
  const config = parseEnv({
    DATABASE_URL: `file:${dbFile}`,
    LOG_LEVEL: "warn",
    SOURCE_SECRET_MINIAPP: "bench-secret",
    SOURCE_SECRET_TAOBAO: "bench-secret",
    BODY_LIMIT: "16mb",
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const deps = await createDeps(config, "bench-token-0123456789");
  fetchHandler = createApp(deps).fetch;
}
serve({ fetch: fetchHandler, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`PORT ${info.port}\n`);
});
process.on("SIGINT", () => process.exit(0));
