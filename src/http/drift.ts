import { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../deps.ts";
import { driftCsv, getRun, itemView, listRuns, runItems, runSummary, runView } from "../drift/index.ts";
import type { AppEnv } from "./middleware.ts";
import { parseQuery as parse } from "./validate.ts";

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.coerce.number().int().min(0).default(0),
  kind: z.string().min(1).max(64).optional(),
});

/** /api/v1/drift: the stored drift runs, one run's summary and items (keyset pages), its full list as CSV. */
export function driftRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const { db } = deps;

  app.get("/runs", async (c) => {
    const { limit } = parse(
      z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
      c.req.query(),
    );
    return c.json({ runs: (await listRuns(db, limit)).map(runView) });
  });

  app.get("/runs/:file{[0-9]+\\.csv}", async (c) => {
    const id = Number(c.req.param("file").slice(0, -".csv".length));
    const run = await getRun(db, id);
    return new Response(driftCsv(db, run.id), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="drift-${run.day}-${run.id}.csv"`,
      },
    });
  });

  app.get("/runs/:id{[0-9]+}", async (c) => {
    const q = parse(pageQuery, c.req.query());
    const run = await getRun(db, Number(c.req.param("id")));
    const summary = await runSummary(db, run, 0);
    const page = await runItems(db, run.id, q);
    return c.json({
      run: runView(run),
      by_kind: summary.byKind,
      fresh: summary.fresh,
      carried: summary.carried,
      items: page.items.map(itemView),
      next_after: page.nextAfter,
    });
  });
  return app;
}
