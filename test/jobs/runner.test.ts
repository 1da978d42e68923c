import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { INTERRUPTED, runJob } from "../../jobs/runner.ts";
import type { Job } from "../../jobs/types.ts";
import { jobRuns } from "../../src/db/schema/index.ts";
import { createDeps } from "../../src/deps.ts";
import { parseEnv } from "../../src/env.ts";
import { RedisLock } from "../../src/lock/index.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { redisOrSkip } from "../helpers/redis.ts";

let deps: TestDeps;
afterEach(async () => {
  await deps?.close();
});

const job = (name: string, run: Job["run"]): Job => ({ name, cron: "* * * * *", description: name, run });

describe("runJob", () => {
  it("records a job that throws as failed with its error, and runs it again ok at the next tick", async () => {
    deps = await testDeps();
    let calls = 0;
    const flaky = job("flaky", async () => {
      calls++;
      if (calls === 1) throw new Error("carrier API timed out");
      return { done: 1 };
    });
    const first = await runJob(deps, flaky);
    expect(first).toMatchObject({ outcome: "failed", error: "carrier API timed out" });
    deps.clock.advance(60_000);
    const second = await runJob(deps, flaky);
    expect(second).toMatchObject({ outcome: "ok", counts: { done: 1 } });
    const rows = await deps.db.select().from(jobRuns).where(eq(jobRuns.job, "flaky")).orderBy(jobRuns.id);
    expect(rows.map((r) => [r.outcome, r.error])).toEqual([
      ["failed", "carrier API timed out"],
      ["ok", null],
    ]);
    expect(rows.every((r) => r.finishedAt !== null)).toBe(true);
  });

  it("skips a run while another holds the job's lease, and records nothing for it", async () => {
    deps = await testDeps();
    let release!: () => void;
    const slow = job("slow", () => new Promise((r) => (release = () => r({ n: 1 }))));
    const running = runJob(deps, slow);
    await new Promise((r) => setTimeout(r, 20));
    expect(await runJob(deps, slow)).toMatchObject({ id: null, outcome: "skipped" });
    release();
    expect(await running).toMatchObject({ outcome: "ok" });
    expect(await deps.db.select().from(jobRuns)).toHaveLength(1);
  });

  it("marks a `running` row older than the lease ttl failed (interrupted) on the job's next run", async () => {
    deps = await testDeps();
    const now = deps.clock.now();
    await deps.writer.run((tx) =>
      tx.insert(jobRuns).values([
        { job: "j", startedAt: now - 10 * 60_000, outcome: "running" },
        // Younger than the ttl: not judged yet. Another job's row: not this run's business.
        { job: "j", startedAt: now - 1_000, outcome: "running" },
        { job: "other", startedAt: now - 10 * 60_000, outcome: "running" },
      ]),
    );
    expect(
      await runJob(
        deps,
        job("j", async () => ({})),
        () => {},
        { leaseTtlMs: 60_000 },
      ),
    ).toMatchObject({
      outcome: "ok",
    });
    const rows = await deps.db.select().from(jobRuns).orderBy(jobRuns.id);
    expect(rows.map((r) => [r.job, r.outcome, r.error])).toEqual([
      ["j", "failed", INTERRUPTED],
      ["j", "running", null],
      ["other", "running", null],
      ["j", "ok", null],
    ]);
  });
});

const redis = await redisOrSkip("job leases on Redis");
describe.skipIf(redis.skip)("job leases with REDIS_URL", () => {
  it("take the Redis lock, so one of two simultaneous runs is skipped", async () => {
    const config = parseEnv({ DATABASE_URL: ":memory:", LOG_LEVEL: "silent", REDIS_URL: redis.url });
    const d = await createDeps(config, "redis-token-0123456789", { logger: createLogger("silent") });
    try {
      expect(d.jobLease).toBe(d.lock);
      expect(d.jobLease).toBeInstanceOf(RedisLock);
      const name = `probe-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const slow = job(name, () => new Promise((r) => setTimeout(() => r({ n: 1 }), 100)));
      const outcomes = (await Promise.all([runJob(d, slow), runJob(d, slow)])).map((r) => r.outcome).sort();
      expect(outcomes).toEqual(["ok", "skipped"]);
      expect((await runJob(d, slow)).outcome).toBe("ok");
    } finally {
      await d.close();
    }
  });
});
