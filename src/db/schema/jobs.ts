import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Job leases in the database, for deployments without Redis (Workers, several Node instances on
 * one database): taken with one conditional upsert, so two holders never overlap, and they
 * expire by themselves when a holder dies mid-run.
 */
export const jobLeases = sqliteTable("job_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  /** Increases with every grant; a holder's writes can be fenced with it. */
  fence: integer("fence").notNull().default(0),
  expiresAt: integer("expires_at").notNull(),
});

/** One drift reconciliation (the 02:00 drift list): what was scanned and found. */
export const driftRuns = sqliteTable(
  "drift_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The display-time-zone day whose touched orders were checked, YYYY-MM-DD. */
    day: text("day").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    scanned: integer("scanned").notNull().default(0),
    found: integer("found").notNull().default(0),
    resolved: integer("resolved").notNull().default(0),
    status: text("status").$type<"running" | "ok" | "failed">().notNull(),
  },
  (t) => [index("drift_runs_day_idx").on(t.day)],
);

/** One drifting order in one run; `resolvedAt` is set when a later run no longer finds it. */
export const driftItems = sqliteTable(
  "drift_items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id").notNull(),
    orderNo: text("order_no").notNull(),
    kind: text("kind").notNull(),
    anchor: text("anchor"),
    detail: text("detail").notNull(),
    /** When this (order, kind) was first found, carried over from earlier runs. */
    firstSeenAt: integer("first_seen_at").notNull(),
    resolvedAt: integer("resolved_at"),
    resolvedRunId: integer("resolved_run_id"),
  },
  (t) => [
    index("drift_items_run_idx").on(t.runId, t.kind),
    index("drift_items_order_idx").on(t.orderNo, t.kind),
  ],
);

/** Reports sent to groups (daily report), kept so a chart image can be served by link and resent. */
export const reports = sqliteTable(
  "reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    day: text("day").notNull(),
    markdown: text("markdown").notNull(),
    figures: text("figures", { mode: "json" }).$type<Record<string, number>>().notNull(),
    png: text("png"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("reports_kind_day_idx").on(t.kind, t.day)],
);
