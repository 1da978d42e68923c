import { createClient } from "@libsql/client/web";
import { sql } from "drizzle-orm";
import type { ExecutionContext } from "hono";
import { jobs } from "../jobs/index.ts";
import { runJob } from "../jobs/runner.ts";
import type { Job } from "../jobs/types.ts";
import journal from "../migrations/meta/_journal.json" with { type: "json" };
import { createApp } from "./app.ts";
import type { ClientFactory, Db } from "./db/client.ts";
import { createDeps, type Deps } from "./deps.ts";
import { type Config, ConfigError, parseEnv } from "./env.ts";
import { MemoryLock } from "./lock/memory-lock.ts";
import { createLogger } from "./shared/logger.ts";

/**
 * Cloudflare Workers entry: the same app and jobs as src/node.ts over libSQL/HTTP.
 *
 * - No embedded file (no filesystem), no Redis (no ioredis: the Workers build aliases it and the
 *   native `libsql` binding away, see wrangler.toml): per-SKU locks are per isolate, which is
 *   safe because every stock write is itself conditional, and job leases live in `job_leases`.
 * - Deps are built once per isolate, on its first request or trigger, and reused.
 * - Cron Triggers run in UTC while job crons are written in TZ_DISPLAY: `cronInUtc` converts
 *   each job's schedule, wrangler.toml lists the results (test/workers/wrangler.test.ts checks
 *   they agree) and `scheduled` runs the jobs whose converted cron is the trigger's.
 */

// Hono's ExecutionContext is the Workers one; the controller is the part of it `scheduled` reads
// (no @cloudflare/workers-types here).
export type { ExecutionContext };
export interface ScheduledController {
  readonly cron: string;
  readonly scheduledTime: number;
}
/** Vars and secrets arrive as strings; any other binding is ignored. */
export type WorkerEnv = Record<string, unknown>;

export interface WorkerOptions {
  /** libSQL client factory; tests inject a Node client on `:memory:` behind a libsql:// URL. */
  createClient?: ClientFactory;
  /** Runs one job; tests inject a recorder. */
  runJob?: (deps: Deps, job: Job) => Promise<unknown>;
  /** Schema check at start; tests on a fresh database pass the Node migrator instead. */
  migrate?: (db: Db) => Promise<void>;
}

/**
 * A Worker has no migrations folder to read, and isolates start too often to migrate on each, so
 * migrations are applied at deploy time (`npm run db:migrate` with the same DATABASE_URL and
 * token) and the Worker only checks, against the journal bundled into it, that they were: a
 * database behind the code answers 503 saying what to run instead of failing query by query.
 */
export async function requireMigrated(db: Db): Promise<void> {
  const expected = journal.entries.length;
  const applied = await db
    .all<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`)
    .then((rows) => Number(rows[0]?.n ?? 0))
    .catch(() => 0);
  if (applied < expected) {
    throw new ConfigError([
      `DATABASE_URL: the database has ${applied} of ${expected} migrations; apply them with \`DATABASE_URL=… DATABASE_AUTH_TOKEN=… npm run db:migrate\``,
    ]);
  }
}

const LOOPBACK_HTTP = /^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/;

/** parseEnv plus what only Workers require; throws ConfigError naming each bad variable. */
export function parseWorkerEnv(env: WorkerEnv): Config {
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") strings[k] = v;
  const problems: string[] = [];
  const url = strings.DATABASE_URL ?? "";
  const dev = LOOPBACK_HTTP.test(url);
  if (!/^(libsql|https):\/\//.test(url) && !dev) {
    problems.push(
      `DATABASE_URL: Workers need a libSQL server, libsql://… or https://… (got ${url ? `"${url.split(/[?@]/)[0]}"` : "nothing"}); there is no file system for file: or :memory:`,
    );
  }
  if (!strings.DATABASE_AUTH_TOKEN && !dev)
    problems.push("DATABASE_AUTH_TOKEN: required on Workers (set it with `wrangler secret put`)");
  if (!strings.API_TOKEN)
    problems.push(
      "API_TOKEN: required on Workers, where no generated token can be stored (`wrangler secret put`)",
    );
  if (strings.REDIS_URL)
    problems.push("REDIS_URL: not supported on Workers; locks and job leases use the database there");
  if (problems.length > 0) throw new ConfigError(problems);
  return parseEnv(strings);
}

export function createWorker(opts: WorkerOptions = {}) {
  const run = opts.runJob ?? ((deps: Deps, job: Job) => runJob(deps, job));
  // One Deps per env object, i.e. per isolate in production; a failed build is retried next time.
  const built = new WeakMap<object, Promise<Deps>>();
  const depsFor = (env: WorkerEnv): Promise<Deps> => {
    let p = built.get(env);
    if (p === undefined) {
      p = (async () => {
        const config = parseWorkerEnv(env);
        return createDeps(config, config.API_TOKEN!, {
          logger: createLogger(config.LOG_LEVEL),
          lock: new MemoryLock(),
          processMetrics: false,
          createClient: opts.createClient ?? createClient,
          migrate: opts.migrate ?? requireMigrated,
        });
      })();
      built.set(env, p);
      p.catch(() => built.delete(env));
    }
    return p;
  };

  return {
    async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
      let deps: Deps;
      try {
        deps = await depsFor(env);
      } catch (e) {
        const misconfigured = e instanceof ConfigError;
        console.error(`anchorbot: ${misconfigured ? e.message : e instanceof Error ? e.stack : String(e)}`);
        return Response.json(
          misconfigured
            ? { error: "misconfigured", message: e.problems.join("; ") }
            : { error: "unavailable", message: "the database could not be opened; see the Worker's logs" },
          { status: 503 },
        );
      }
      const response = await createApp(deps).fetch(request, env, ctx);
      // Ack now, work later: stored pushes are processed after the answer, which Workers only
      // allow inside waitUntil.
      ctx.waitUntil(deps.tasks.drain().then(() => deps.writer.flush()));
      return response;
    },

    async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
      const work = (async () => {
        const deps = await depsFor(env);
        const due = jobsForTrigger(controller.cron, deps.config.TZ_DISPLAY);
        if (due.length === 0) deps.logger.warn({ cron: controller.cron }, "no job runs on this trigger");
        // One after another: each is short, and a trigger's jobs then never contend for the
        // database (the every-minute trigger runs the reservation expiry and the alert escalation).
        for (const job of due) {
          try {
            await run(deps, job);
          } catch (err) {
            deps.logger.error({ err, job: job.name }, "job could not run");
          }
        }
        await deps.tasks.drain();
        await deps.writer.flush();
      })();
      ctx.waitUntil(work);
      await work;
    },
  };
}

/** The jobs a UTC Cron Trigger stands for. */
export function jobsForTrigger(cron: string, timeZone: string, list: readonly Job[] = jobs): Job[] {
  return list.filter((j) => cronInUtc(j.cron, timeZone) === cron);
}

/** Minutes to add to UTC to get local time in `timeZone` at `at`. */
function offsetMinutes(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return (Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute")) - at) / 60_000;
}

function expandHours(field: string): number[] {
  const out = new Set<number>();
  for (const item of field.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) throw new Error(`cannot convert hour field "${field}" to UTC`);
    const from = m[1] === "*" ? 0 : Number(m[2]);
    const to = m[1] === "*" ? 23 : m[3] !== undefined ? Number(m[3]) : m[4] ? 23 : from;
    const step = m[4] ? Number(m[4]) : 1;
    if (from > 23 || to > 23 || step < 1) throw new Error(`hour out of range in "${field}"`);
    for (let h = from; h <= to; h += step) out.add(h);
  }
  return [...out];
}

/**
 * A job's cron (written in `timeZone`) as the UTC cron a Cron Trigger needs. Only zones with one
 * fixed whole-hour offset can be converted (Asia/Shanghai is UTC+8 all year): under daylight
 * saving a local 02:00 is two different UTC hours. When the shift crosses midnight, the day
 * fields must be `*` (a day-of-month or day-of-week would move by a day; refused, not guessed).
 */
export function cronInUtc(cron: string, timeZone: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected a 5-field cron, got "${cron}"`);
  const jan = offsetMinutes(timeZone, Date.UTC(2026, 0, 1));
  const jul = offsetMinutes(timeZone, Date.UTC(2026, 6, 1));
  if (jan !== jul) throw new Error(`${timeZone} has daylight saving time; its crons have no fixed UTC form`);
  if (jan % 60 !== 0) throw new Error(`${timeZone} is not a whole number of hours from UTC`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const hours = expandHours(hour);
  if (jan === 0 || hours.length === 24) return fields.join(" ");
  const shifted = hours.map((h) => h - jan / 60);
  if (shifted.some((h) => h < 0 || h > 23) && (dom !== "*" || dow !== "*")) {
    throw new Error(`"${cron}" crosses midnight in UTC; its day fields cannot be shifted safely`);
  }
  const utc = [...new Set(shifted.map((h) => (h + 24) % 24))].sort((a, b) => a - b);
  return [minute, utc.join(","), dom, month, dow].join(" ");
}

export default createWorker();
