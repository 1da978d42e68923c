import { eq } from "drizzle-orm";
import { jobRuns } from "../src/db/schema/index.ts";
import type { Deps } from "../src/deps.ts";
import type { Job } from "./types.ts";

export interface RunRecord {
  id: number | null;
  job: string;
  outcome: "ok" | "failed" | "skipped";
  counts: Record<string, number>;
  error?: string;
}

/**
 * Runs a job under a lease (Redis when configured, in-process otherwise) so two instances never
 * run it at once, and records the run: start, end, outcome, counts.
 */
export async function runJob(
  deps: Deps,
  job: Job,
  progress: (line: string) => void = () => {},
): Promise<RunRecord> {
  const lease = await deps.lock.acquire(`job:${job.name}`, { ttlMs: 10 * 60_000, waitMs: 0 });
  if (!lease)
    return {
      id: null,
      job: job.name,
      outcome: "skipped",
      counts: {},
      error: "another instance holds the lease",
    };
  const now = deps.clock.now();
  try {
    const [row] = await deps.writer.run((tx) =>
      tx
        .insert(jobRuns)
        .values({ job: job.name, startedAt: now, outcome: "running" })
        .returning({ id: jobRuns.id }),
    );
    const id = row!.id;
    try {
      const counts = await job.run(deps, now, progress);
      await deps.writer.run((tx) =>
        tx
          .update(jobRuns)
          .set({ outcome: "ok", counts, finishedAt: deps.clock.now() })
          .where(eq(jobRuns.id, id)),
      );
      return { id, job: job.name, outcome: "ok", counts };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      deps.logger.error({ err: e, job: job.name }, "job failed");
      await deps.writer.run((tx) =>
        tx
          .update(jobRuns)
          .set({ outcome: "failed", error, finishedAt: deps.clock.now() })
          .where(eq(jobRuns.id, id)),
      );
      return { id, job: job.name, outcome: "failed", counts: {}, error };
    }
  } finally {
    await lease.release();
  }
}
