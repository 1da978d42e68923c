import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per job run: when, how it ended, what it counted. */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    job: text("job").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    outcome: text("outcome").$type<"running" | "ok" | "failed" | "skipped">().notNull(),
    counts: text("counts", { mode: "json" }).$type<Record<string, number>>(),
    error: text("error"),
  },
  (t) => [index("job_runs_job_idx").on(t.job, t.startedAt)],
);
