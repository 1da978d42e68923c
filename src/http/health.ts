import { Hono } from "hono";
import type { Deps } from "../deps.ts";
import { healthBoard, type SignalView, sourceHealth } from "../health/board.ts";
import type { AppEnv } from "./middleware.ts";

const signalJson = (s: SignalView) => ({
  signal: s.signal,
  label: s.label,
  severity: s.severity,
  state: s.state,
  value: s.value,
  threshold: s.threshold,
  detail: s.detail,
  example: s.example,
  since: s.since,
});

/** /api/v1/health: the interface-health board (what 健康 shows) and one source in detail. */
export function healthRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/sources", async (c) => {
    const board = await healthBoard(deps.db);
    return c.json({
      sources: board.map((l) => ({
        source: l.source,
        state: l.state,
        warnings: l.warnings,
        worst: l.worst ? signalJson(l.worst) : null,
        evaluated_at: l.evaluatedAt,
      })),
    });
  });

  app.get("/sources/:source", async (c) => {
    const d = await sourceHealth(deps.db, c.req.param("source"), deps.clock.now(), deps.health.settings);
    const field = (f: (typeof d.shapes.added)[number]) => ({
      kind: f.kind,
      path: f.path,
      types: f.types,
      example: f.example,
      inbox_id: f.inboxId,
      at: f.at,
      ...(f.was === undefined ? {} : { was: f.was }),
    });
    return c.json({
      source: d.source,
      evaluated_at: d.evaluatedAt,
      signals: d.signals.map(signalJson),
      shapes: {
        kinds: d.shapes.kinds,
        added: d.shapes.added.map(field),
        retyped: d.shapes.retyped.map(field),
        missing: d.shapes.missing.map(field),
      },
    });
  });
  return app;
}
