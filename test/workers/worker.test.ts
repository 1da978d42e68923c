import { createClient as createNodeClient } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { jobs } from "../../jobs/index.ts";
import { runJob } from "../../jobs/runner.ts";
import type { Job } from "../../jobs/types.ts";
import { runMigrations } from "../../src/db/migrate.ts";
import { jobRuns } from "../../src/db/schema/index.ts";
import type { Deps } from "../../src/deps.ts";
import { DbLease } from "../../src/lock/db-lease.ts";
import worker, {
  createWorker,
  cronInUtc,
  type ExecutionContext,
  jobsForTrigger,
  type WorkerEnv,
} from "../../src/worker.ts";

const TOKEN = "worker-token-0123456789";
/** What `wrangler secret put` and [vars] would give the Worker. */
const bindings = (extra: Record<string, string> = {}): WorkerEnv => ({
  DATABASE_URL: "libsql://anchorbot-test.example.turso.io",
  DATABASE_AUTH_TOKEN: "test-auth-token",
  API_TOKEN: TOKEN,
  LOG_LEVEL: "silent",
  TZ_DISPLAY: "Asia/Shanghai",
  ...extra,
});

/** A fake ExecutionContext that keeps what was handed to waitUntil. */
function context() {
  const waiting: Promise<unknown>[] = [];
  const ctx: ExecutionContext = {
    waitUntil: (p) => void waiting.push(p),
    passThroughOnException: () => {},
    props: {},
  };
  return { ctx, settled: () => Promise.all(waiting) };
}

// There is no sqld here: a Node client on :memory: stands in for the libSQL server behind the URL,
// so everything above the transport (migrations, app, runner, database lease) is the real thing.
// The Worker only checks migrations (they are applied at deploy time); here the Node migrator applies them.
const memoryServer = () => createNodeClient({ url: ":memory:" });
const local = { createClient: memoryServer, migrate: runMigrations };

describe("the Workers entry under Node", () => {
  it("answers 503 naming DATABASE_URL when it is a file: URL, which Workers cannot open", async () => {
    const { ctx } = context();
    const res = await worker.fetch(
      new Request("https://anchorbot.example/healthz"),
      bindings({ DATABASE_URL: "file:./data/anchor.db" }),
      ctx,
    );
    const body = (await res.json()) as { error: string; message: string };
    expect(res.status, JSON.stringify(body)).toBe(503);
    expect(body.error).toBe("misconfigured");
    expect(body.message).toMatch(/^DATABASE_URL: Workers need a libSQL server, libsql:\/\/… or https:\/\/…/);
  });

  it("answers 503 saying to run db:migrate when the database is behind the bundled migrations", async () => {
    const { ctx } = context();
    const res = await createWorker({ createClient: memoryServer }).fetch(
      new Request("https://anchorbot.example/healthz"),
      bindings(),
      ctx,
    );
    const body = (await res.json()) as { message: string };
    expect(res.status).toBe(503);
    expect(body.message).toMatch(/has 0 of \d+ migrations.*npm run db:migrate/);
  });

  it("names every missing secret, and refuses REDIS_URL", async () => {
    const { ctx } = context();
    const res = await worker.fetch(
      new Request("https://anchorbot.example/healthz"),
      { DATABASE_URL: "https://db.example", REDIS_URL: "redis://127.0.0.1:6379" },
      ctx,
    );
    const { message } = (await res.json()) as { message: string };
    expect(res.status).toBe(503);
    expect(message).toContain("DATABASE_AUTH_TOKEN: required");
    expect(message).toContain("API_TOKEN: required");
    expect(message).toContain("REDIS_URL: not supported on Workers");
  });

  it("serves the app over a libsql:// database: /healthz, and the API behind the token", async () => {
    const app = createWorker(local);
    const env = bindings();
    const { ctx, settled } = context();
    const health = await app.fetch(new Request("https://anchorbot.example/healthz"), env, ctx);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const denied = await app.fetch(new Request("https://anchorbot.example/api/v1/skus/A"), env, ctx);
    expect(denied.status).toBe(401);
    const put = await app.fetch(
      new Request("https://anchorbot.example/api/v1/skus/A", {
        method: "PUT",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ on_hand: 10 }),
      }),
      env,
      ctx,
    );
    expect(put.status, await put.clone().text()).toBe(200);
    // Same env, same isolate: the deps (and the database) built on the first request are reused.
    const read = await app.fetch(
      new Request("https://anchorbot.example/api/v1/skus/A", {
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
      env,
      ctx,
    );
    expect(await read.json()).toMatchObject({ on_hand: 10 });
    await settled();
  });

  it("runs, for a UTC Cron Trigger, exactly the jobs whose converted cron it is", async () => {
    const ran: string[] = [];
    let seen: Deps | undefined;
    const app = createWorker({
      ...local,
      runJob: async (deps, job: Job) => {
        seen = deps;
        ran.push(job.name);
      },
    });
    const env = bindings();
    const { ctx, settled } = context();
    await app.scheduled({ cron: "*/10 * * * *", scheduledTime: Date.now() }, env, ctx);
    expect(ran).toEqual(["sla"]);
    await app.scheduled({ cron: "* * * * *", scheduledTime: Date.now() }, env, ctx);
    // Every job on the every-minute trigger: reservation expiry, alert escalation, interface health.
    expect(ran).toEqual(["sla", "expire-reservations", "alerts", "health"]);
    await app.scheduled({ cron: "7 7 * * *", scheduledTime: Date.now() }, env, ctx);
    expect(ran).toHaveLength(4);
    await settled();
    // No Redis on Workers: jobs take the database lease.
    expect(seen!.jobLease).toBeInstanceOf(DbLease);
  });

  it("maps a Shanghai 02:00 job to the 18:00 UTC trigger, and nothing to 02:00 UTC", () => {
    const nightly: Job = { name: "nightly", cron: "0 2 * * *", description: "", run: async () => ({}) };
    const hourly: Job = { name: "hourly", cron: "0 * * * *", description: "", run: async () => ({}) };
    const names = (cron: string) =>
      jobsForTrigger(cron, "Asia/Shanghai", [nightly, hourly]).map((j) => j.name);
    expect(names("0 18 * * *")).toEqual(["nightly"]);
    expect(names("0 2 * * *")).toEqual([]);
    expect(names("0 * * * *")).toEqual(["hourly"]);
    // Every trigger in the real list finds its job.
    for (const job of jobs)
      expect(jobsForTrigger(cronInUtc(job.cron, "Asia/Shanghai"), "Asia/Shanghai")).toContain(job);
  });

  it("records real job runs from a trigger through runJob and the database lease", async () => {
    let deps: Deps | undefined;
    const app = createWorker({
      ...local,
      runJob: (d, job) => {
        deps = d;
        return runJob(d, job);
      },
    });
    const { ctx, settled } = context();
    await app.scheduled({ cron: "* * * * *", scheduledTime: Date.now() }, bindings(), ctx);
    await settled();
    const rows = await deps!.db.select().from(jobRuns);
    expect(rows.map((r) => [r.job, r.outcome]).sort()).toEqual([
      ["alerts", "ok"],
      ["expire-reservations", "ok"],
      ["health", "ok"],
    ]);
  });
});
