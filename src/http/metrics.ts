import { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import {
  checkRange,
  columnView,
  DIMS,
  FACT_COLUMNS,
  factsCsv,
  formatValue,
  listFacts,
  METRICS,
  metricView,
  queryMetric,
} from "../facts/index.ts";
import { dayOf } from "../shared/day.ts";
import type { AppEnv } from "./middleware.ts";

function parse<T>(schema: z.ZodType<T>, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success)
    throw new AppError(
      "bad_request",
      r.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "),
    );
  return r.data;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");

/** from/to default to today in the display zone; both ends are included. */
function period(deps: Deps, q: { from?: string; to?: string }) {
  const today = dayOf(deps.clock.now(), deps.config.TZ_DISPLAY);
  const to = q.to ?? today;
  const from = q.from ?? to;
  checkRange(from, to);
  return { from, to };
}

/** /api/v1/metrics: the registry, and one metric's values with their caliber. */
export function metricRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/", (c) => c.json({ metrics: METRICS.map(metricView) }));

  app.get("/:id", async (c) => {
    const q = parse(
      z.object({
        from: day.optional(),
        to: day.optional(),
        by: z.enum(DIMS as [string, ...string[]]).optional(),
      }),
      c.req.query(),
    );
    const { from, to } = period(deps, q);
    const a = await queryMetric({
      db: deps.db,
      id: c.req.param("id"),
      from,
      to,
      by: (q.by ?? null) as (typeof DIMS)[number] | null,
      timeZone: deps.config.TZ_DISPLAY,
    });
    const unit = a.metric.unit;
    return c.json({
      metric: metricView(a.metric),
      caliber: a.metric.caliber,
      from: a.from,
      to: a.to,
      time_zone: deps.config.TZ_DISPLAY,
      by: a.by,
      total: a.total,
      total_display: formatValue(unit, a.total),
      rows: a.rows.map((r) => ({ key: r.key, value: r.value, display: formatValue(unit, r.value) })),
    });
  });
  return app;
}

const factsQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  channel: z.string().min(1).max(32).optional(),
  province: z.string().min(1).max(32).optional(),
  sku: z.string().min(1).max(64).optional(),
  status: z.string().min(1).max(32).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().max(200).optional(),
  format: z.enum(["json", "csv"]).default("json"),
});

/** /api/v1/facts: rows of the paid-order wide table (filters, keyset pages, CSV) and its lineage. */
export function factRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const columns = FACT_COLUMNS.map(columnView);
  app.get("/columns", (c) => c.json({ table: "order_facts", columns }));

  app.get("/", async (c) => {
    const q = parse(factsQuery, c.req.query());
    const filter = { ...period(deps, q), timeZone: deps.config.TZ_DISPLAY, ...pick(q) };
    if (q.format === "csv")
      return new Response(factsCsv(deps.db, filter), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="order-facts-${filter.from}-${filter.to}.csv"`,
          link: '</api/v1/facts/columns>; rel="describedby"',
        },
      });
    const page = await listFacts(deps.db, filter, { limit: q.limit, after: q.after ?? null });
    return c.json({ from: filter.from, to: filter.to, columns, rows: page.rows, next_after: page.next });
  });
  return app;
}

function pick(q: z.infer<typeof factsQuery>) {
  return {
    ...(q.channel ? { channel: q.channel } : {}),
    ...(q.province ? { province: q.province } : {}),
    ...(q.sku ? { sku: q.sku } : {}),
    ...(q.status ? { status: q.status } : {}),
  };
}
