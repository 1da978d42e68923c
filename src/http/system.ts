import { count, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { inbox } from "../db/schema/index.ts";
import type { Deps } from "../deps.ts";
import type { AppEnv } from "./middleware.ts";

export function systemRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  // createDeps runs migrations before the app exists, so reaching this handler means they ran.
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/metrics", async (c) => {
    const rows = await deps.db
      .select({ status: inbox.status, n: count() })
      .from(inbox)
      .where(inArray(inbox.status, ["received", "failed", "dead"]))
      .groupBy(inbox.status);
    deps.metrics.inboxDepth.reset();
    for (const s of ["received", "failed", "dead"]) {
      deps.metrics.inboxDepth.set({ status: s }, rows.find((r) => r.status === s)?.n ?? 0);
    }
    return c.body(await deps.metrics.registry.metrics(), 200, {
      "content-type": deps.metrics.registry.contentType,
    });
  });
  return app;
}
