import { count, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { healthSignals, inbox } from "../db/schema/index.ts";
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
    // The signals as last evaluated (the health job, every minute), so any instance exports them.
    deps.metrics.healthValue.reset();
    deps.metrics.healthWarning.reset();
    for (const r of await deps.db.select().from(healthSignals)) {
      const labels = { source: r.source, signal: r.signal };
      deps.metrics.healthValue.set(labels, r.value);
      deps.metrics.healthWarning.set(labels, r.state === "warn" ? 1 : 0);
    }
    return c.body(await deps.metrics.registry.metrics(), 200, {
      "content-type": deps.metrics.registry.contentType,
    });
  });
  return app;
}
