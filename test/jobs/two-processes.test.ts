import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { INTERRUPTED, type RunRecord, runJob } from "../../jobs/runner.ts";
import type { Job } from "../../jobs/types.ts";
import { jobRuns } from "../../src/db/schema/index.ts";
import { createDeps } from "../../src/deps.ts";
import { parseEnv } from "../../src/env.ts";
import { createLogger } from "../../src/shared/logger.ts";

const root = join(import.meta.dirname, "../..");
const script = join(import.meta.dirname, "fixtures/run-probe.ts");
const dir = mkdtempSync(join(tmpdir(), "anchorbot-jobs-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

interface Probe {
  child: ChildProcess;
  output: () => string;
  done: Promise<number | null>;
}

/** A separate Node process building its own deps (no Redis) and running the probe job. */
function probe(env: Record<string, string>): Probe {
  const { REDIS_URL: _, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const done = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => out, done };
}

type Mark = { pid: number; at: "start" | "end"; t: number };
const marks = (file: string): Mark[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Mark)
    : [];
const records = (p: Probe): RunRecord[] =>
  p
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as RunRecord);

describe("a job run by two processes on one database file, without Redis", () => {
  /** Two processes started together, `rounds` runJob calls each; the runs (start, end, pid) and records. */
  async function race(name: string, rounds: number, extra: Record<string, string> = {}) {
    const log = join(dir, `${name}.log`);
    const env = {
      DATABASE_URL: `file:${join(dir, `${name}.db`)}`,
      PROBE_LOG: log,
      PROBE_MS: "15",
      ROUNDS: String(rounds),
      BARRIER: join(dir, `${name}.barrier`),
      ...extra,
    };
    const a = probe(env);
    const b = probe(env);
    const codes = await Promise.all([a.done, b.done]);
    const why = `--- A ---\n${a.output().slice(-3000)}\n--- B ---\n${b.output().slice(-3000)}`;
    expect(codes, why).toEqual([0, 0]);
    // Pair each start with its end, per process, then look at the runs one after another.
    const open = new Map<number, number>();
    const runs: [number, number, number][] = [];
    for (const m of marks(log)) {
      if (m.at === "start") open.set(m.pid, m.t);
      else runs.push([open.get(m.pid)!, m.t, m.pid]);
    }
    runs.sort((x, y) => x[0] - y[0]);
    const overlaps = runs.filter((r, i) => i > 0 && r[0] < runs[i - 1]![1]);
    return { a, b, why, runs, overlaps };
  }

  it("would overlap with the in-process lock (the old fallback), so the check below can fail", async () => {
    const { overlaps, why } = await race("memory", 3, {
      PROBE_IN_PROCESS_LOCK: "1",
      PROBE_MEET: join(dir, "memory.meet"),
    });
    expect(overlaps.length, why).toBeGreaterThan(0);
  }, 90_000);

  it("never runs twice at once: over many rounds no two runs' intervals overlap", async () => {
    const { a, b, why, runs, overlaps } = await race("overlap", 60);
    expect(overlaps, why).toEqual([]);
    const all = [...records(a), ...records(b)];
    const ok = all.filter((r) => r.outcome === "ok");
    expect(ok).toHaveLength(runs.length);
    // Both processes ran the job, and both were turned away while the other held it.
    expect(new Set(runs.map((r) => r[2])).size, why).toBe(2);
    expect(all.filter((r) => r.outcome === "skipped").length, why).toBeGreaterThan(0);
    expect(all).toHaveLength(120);
  }, 90_000);

  it("recovers from a process killed mid-run: its lease expires after the ttl, the next run proceeds and marks it interrupted", async () => {
    const log = join(dir, "kill.log");
    const url = `file:${join(dir, "kill.db")}`;
    const TTL = 3_000;
    const hung = probe({ DATABASE_URL: url, PROBE_LOG: log, PROBE_HANG: "1", LEASE_TTL_MS: String(TTL) });
    for (let i = 0; i < 200 && marks(log).length === 0; i++) await sleep(50);
    expect(marks(log), hung.output()).toHaveLength(1);
    hung.child.kill("SIGKILL");
    await hung.done;
    const killedAt = Date.now();

    const deps = await createDeps(parseEnv({ DATABASE_URL: url, LOG_LEVEL: "silent" }), "x".repeat(20), {
      logger: createLogger("silent"),
    });
    try {
      const next: Job = { name: "probe", cron: "* * * * *", description: "", run: async () => ({ ran: 1 }) };
      // Still leased by the dead process: skipped, not run twice.
      expect(await runJob(deps, next, () => {}, { leaseTtlMs: TTL })).toMatchObject({ outcome: "skipped" });
      await sleep(Math.max(0, killedAt + TTL + 200 - Date.now()));
      expect(await runJob(deps, next, () => {}, { leaseTtlMs: TTL })).toMatchObject({ outcome: "ok" });
      const rows = await deps.db.select().from(jobRuns).orderBy(jobRuns.id);
      expect(rows.map((r) => [r.outcome, r.error])).toEqual([
        ["failed", INTERRUPTED],
        ["ok", null],
      ]);
    } finally {
      await deps.close();
    }
  }, 60_000);
});
