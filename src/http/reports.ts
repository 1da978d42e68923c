import { Hono } from "hono";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { chartPath, DAILY_KIND, getReport, isDay, latestReport, type ReportRow } from "../reports/index.ts";
import type { AppEnv } from "./middleware.ts";

function reportView(r: ReportRow) {
  return {
    id: r.id,
    kind: r.kind,
    day: r.day,
    markdown: r.markdown,
    figures: r.figures,
    png_url: r.png ? chartPath(r.id) : null,
    created_at: new Date(r.createdAt).toISOString(),
  };
}

async function found(deps: Deps, id: string): Promise<ReportRow> {
  const row = await getReport(deps.db, Number(id));
  if (!row) throw new AppError("not_found", `report ${id} not found`);
  return row;
}

/** /api/v1/reports: stored reports (the daily report), and each one's chart as a PNG. */
export function reportRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  /** The newest report; ?kind= (default daily) and ?day=YYYY-MM-DD narrow it. */
  app.get("/", async (c) => {
    const kind = c.req.query("kind") ?? DAILY_KIND;
    const day = c.req.query("day");
    if (day !== undefined && !isDay(day)) throw new AppError("bad_request", "day must be YYYY-MM-DD");
    const row = await latestReport(deps.db, { kind, day });
    if (!row) throw new AppError("not_found", `no ${kind} report${day ? ` for ${day}` : ""} yet`);
    return c.json(reportView(row));
  });

  app.get("/:file{[0-9]+\\.png}", async (c) => {
    const row = await found(deps, c.req.param("file").slice(0, -".png".length));
    if (!row.png) throw new AppError("not_found", `report ${row.id} has no chart`);
    // Stored reports never change, so the image may be cached.
    return c.body(new Uint8Array(Buffer.from(row.png, "base64")), 200, {
      "content-type": "image/png",
      "cache-control": "private, max-age=86400, immutable",
    });
  });

  app.get("/:id{[0-9]+}", async (c) => c.json(reportView(await found(deps, c.req.param("id")))));

  return app;
}
