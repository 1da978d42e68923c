import { and, eq, lte } from "drizzle-orm";
import { jobRuns } from "../src/db/schema/index.ts";
import type { Deps } from "../src/deps.ts";
import type { LockHandle } from "../src/lock/index.ts";
import type { Job } from "./types.ts";

export interface RunRecord {
  id: number | null;
  job: string;
  outcome: "ok" | "failed" | "skipped";
  counts: Record<string, number>;
  error?: string;
}

export interface RunOptions {
  /**
   * How long the lease lasts without renewal: a process that dies mid-run blocks the job for at
   * most this long, and its `running` row is marked interrupted once it is this old. The runner
   * renews the lease every third of it while the job runs, so a long job keeps it.
   */
  leaseTtlMs?: number;
}

const DEFAULT_LEASE_TTL_MS = 10 * 60_000;
export const INTERRUPTED = "interrupted: the process running it stopped before it finished";

/**
 * Runs a job under a lease (`deps.jobLease`: Redis when configured, the `job_leases` table
 * otherwise) so two instances never run it at once, and records the run: start, end, outcome,
 * counts. A job that throws is recorded `failed` and simply runs again at its next tick.
 */
export async function runJob(
  deps: Deps,
  job: Job,
  progress: (line: string) => void = () => {},
  opts: RunOptions = {},
): Promise<RunRecord> {
  const ttlMs = opts.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const lease = await deps.jobLease.acquire(`job:${job.name}`, { ttlMs, waitMs: 0 });
  if (!lease)
    return {
      id: null,
      job: job.name,
      outcome: "skipped",
      counts: {},
      error: "another instance holds the lease",
    };
  const renewal = keepAlive(deps, job, lease, ttlMs);
  const now = deps.clock.now();
  try {
    const id = await startRun(deps, job, now, ttlMs);
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
    clearInterval(renewal);
    // A failed release must not replace the run's outcome: the lease expires by itself.
    await lease.release().catch((err: unknown) => {
      deps.logger.warn({ err, job: job.name }, "job lease release failed; it expires on its own");
    });
  }
}

/**
 * Holding the lease means no live instance is running this job, so a `running` row at least a
 * lease old belongs to a process that died mid-run: close it as failed, then open this run's row.
 * Both in one write, so the record never shows two runs of the job at once.
 */
async function startRun(deps: Deps, job: Job, now: number, ttlMs: number): Promise<number> {
  const { id, interrupted } = await deps.writer.run(async (tx) => {
    const stale = await tx
      .update(jobRuns)
      .set({ outcome: "failed", error: INTERRUPTED, finishedAt: now })
      .where(
        and(eq(jobRuns.job, job.name), eq(jobRuns.outcome, "running"), lte(jobRuns.startedAt, now - ttlMs)),
      )
      .returning({ id: jobRuns.id });
    const [row] = await tx
      .insert(jobRuns)
      .values({ job: job.name, startedAt: now, outcome: "running" })
      .returning({ id: jobRuns.id });
    return { id: row!.id, interrupted: stale.map((r) => r.id) };
  });
  if (interrupted.length > 0)
    deps.logger.warn({ job: job.name, runs: interrupted }, "marked interrupted job runs as failed");
  return id;
}

/** Renews the lease while the job runs, so only a dead process lets it lapse; a lost lease is logged. */
function keepAlive(deps: Deps, job: Job, lease: LockHandle, ttlMs: number): ReturnType<typeof setInterval> {
  const timer = setInterval(
    () =>
      void lease.extend(ttlMs).then(
        (held) => {
          if (!held) deps.logger.warn({ job: job.name }, "job lease lost while the job was running");
        },
        (err: unknown) => deps.logger.warn({ err, job: job.name }, "job lease renewal failed"),
      ),
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  // Never keep a process alive just to renew a lease.
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
