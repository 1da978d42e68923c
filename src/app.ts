import { Hono } from "hono";
import type { Deps } from "./deps.ts";
import { AppError } from "./errors.ts";
import { aftersaleRoutes, scanRoutes } from "./http/aftersales.ts";
import { alertRoutes } from "./http/alerts.ts";
import { driftRoutes } from "./http/drift.ts";
import { healthRoutes } from "./http/health.ts";
import { factRoutes, metricRoutes } from "./http/metrics.ts";
import { type AppEnv, bearerAuth, observe } from "./http/middleware.ts";
import { errorResponse } from "./http/on-error.ts";
import { orderRoutes } from "./http/orders.ts";
import { reportRoutes } from "./http/reports.ts";
import { skuRoutes } from "./http/skus.ts";
import { systemRoutes } from "./http/system.ts";
import { webhookRoutes } from "./http/webhooks.ts";

/** The HTTP app; no I/O at import time, everything comes from deps. */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  // Answering comes first: every request holds background processing to its share while a burst lasts.
  app.use("*", async (_c, next) => {
    deps.processor.noteDemand();
    await next();
  });
  app.use("*", observe(deps.logger, deps.metrics));
  app.onError((err, c) => errorResponse(c, err, c.get("log") ?? deps.logger));
  app.notFound((c) =>
    errorResponse(c, new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`), deps.logger),
  );

  app.route("/", systemRoutes(deps));
  app.route("/webhooks", webhookRoutes(deps));
  app.use("/api/v1/*", bearerAuth(deps.apiToken));
  app.route("/api/v1/orders", orderRoutes(deps));
  app.route("/api/v1/skus", skuRoutes(deps));
  app.route("/api/v1/aftersales", aftersaleRoutes(deps));
  app.route("/api/v1/scan", scanRoutes(deps));
  app.route("/api/v1/reports", reportRoutes(deps));
  app.route("/api/v1/drift", driftRoutes(deps));
  app.route("/api/v1/metrics", metricRoutes(deps));
  app.route("/api/v1/facts", factRoutes(deps));
  app.route("/api/v1", alertRoutes(deps));
  app.route("/api/v1/health", healthRoutes(deps));
  return app;
}
