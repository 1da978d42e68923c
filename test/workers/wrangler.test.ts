import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cron } from "croner";
import { afterAll, describe, expect, it } from "vitest";
import { jobs } from "../../jobs/index.ts";
import { cronInUtc } from "../../src/worker.ts";

const root = join(import.meta.dirname, "../..");

/**
 * The TOML wrangler.toml uses: `[table]` headers and `key = value` lines whose values are
 * JSON-compatible (double-quoted strings, numbers, booleans, one-line arrays). Enough to check it,
 * without another dependency; anything else fails loudly.
 */
function parseToml(text: string): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = { "": {} };
  let table = "";
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.replace(/^\s*#.*$/, "").trim();
    if (!line) continue;
    const header = /^\[([\w.-]+)\]$/.exec(line);
    if (header) {
      table = header[1]!;
      out[table] ??= {};
      continue;
    }
    const kv = /^([\w-]+)\s*=\s*(.+?)\s*(#[^"\]]*)?$/.exec(line);
    if (!kv) throw new Error(`wrangler.toml:${i + 1}: cannot parse "${raw}"`);
    out[table]![kv[1]!] = JSON.parse(kv[2]!);
  }
  return out;
}

const toml = parseToml(readFileSync(join(root, "wrangler.toml"), "utf8"));
const tz = String(toml.vars?.TZ_DISPLAY ?? "Asia/Shanghai");

describe("wrangler.toml", () => {
  it("points at the Workers entry with nodejs_compat", () => {
    expect(toml[""]).toMatchObject({ name: "anchorbot", compatibility_flags: ["nodejs_compat"] });
    expect(String(toml.build?.command)).toContain("src/worker.ts");
    expect(toml[""]!.main).toBe(".wrangler/build/worker.js");
  });

  it("lists exactly the jobs' crons converted from TZ_DISPLAY to UTC", () => {
    const expected = [...new Set(jobs.map((j) => cronInUtc(j.cron, tz)))].sort();
    expect([...(toml.triggers!.crons as string[])].sort()).toEqual(expected);
  });

  it("fires each job's UTC trigger at the same instants as the job's own cron in TZ_DISPLAY", () => {
    const from = new Date("2026-11-28T15:30:00Z");
    for (const job of jobs) {
      const utc = (toml.triggers!.crons as string[]).find((c) => c === cronInUtc(job.cron, tz))!;
      const local = new Cron(job.cron, { timezone: tz, paused: true }).nextRuns(50, from);
      const trigger = new Cron(utc, { timezone: "UTC", paused: true }).nextRuns(50, from);
      expect(
        trigger.map((d) => d.getTime()),
        job.name,
      ).toEqual(local.map((d) => d.getTime()));
    }
  });
});

describe("cronInUtc", () => {
  it("moves Shanghai hours back by eight, wrapping past midnight", () => {
    expect(cronInUtc("0 2 * * *", "Asia/Shanghai")).toBe("0 18 * * *");
    expect(cronInUtc("30 9,20 * * *", "Asia/Shanghai")).toBe("30 1,12 * * *");
    expect(cronInUtc("0 */6 * * *", "Asia/Shanghai")).toBe("0 4,10,16,22 * * *");
    expect(cronInUtc("*/10 * * * *", "Asia/Shanghai")).toBe("*/10 * * * *");
    expect(cronInUtc("0 2 * * *", "UTC")).toBe("0 2 * * *");
  });

  it("agrees with croner for hour lists and steps", () => {
    const from = new Date("2026-03-01T00:00:00Z");
    for (const cron of ["0 2 * * *", "15 0-3 * * *", "5 7,8,23 * * *", "0 1-23/5 * * *"]) {
      const local = new Cron(cron, { timezone: "Asia/Shanghai", paused: true }).nextRuns(40, from);
      const utc = new Cron(cronInUtc(cron, "Asia/Shanghai"), { timezone: "UTC", paused: true }).nextRuns(
        40,
        from,
      );
      expect(
        utc.map((d) => d.getTime()),
        cron,
      ).toEqual(local.map((d) => d.getTime()));
    }
  });

  it("refuses what a fixed UTC cron cannot say: daylight saving, day fields crossing midnight", () => {
    expect(() => cronInUtc("0 2 * * *", "Europe/Berlin")).toThrow(/daylight saving/);
    expect(() => cronInUtc("0 2 * * 1", "Asia/Shanghai")).toThrow(/midnight/);
    expect(() => cronInUtc("0 2 1 * *", "Asia/Shanghai")).toThrow(/midnight/);
    expect(cronInUtc("0 12 * * 1", "Asia/Shanghai")).toBe("0 4 * * 1");
  });
});

describe("npx wrangler deploy --dry-run", () => {
  const out = mkdtempSync(join(tmpdir(), "anchorbot-wrangler-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("builds the Worker offline into one bundle without the Node-only packages", () => {
    const started = performance.now();
    const res = spawnSync("npx", ["--no", "wrangler", "deploy", "--dry-run", "--outdir", out], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" },
      encoding: "utf8",
      timeout: 115_000,
    });
    const log = `${res.stdout}\n${res.stderr}`;
    expect(res.status, log).toBe(0);
    expect(log).toContain("--dry-run: exiting now.");
    const bundle = readFileSync(join(out, "worker.js"), "utf8");
    expect(statSync(join(out, "worker.js")).size).toBeGreaterThan(100_000);
    // The web build of @libsql/client, no native binding loader, no Redis client.
    expect(bundle).toContain("@libsql/client/lib-esm/web.js");
    expect(bundle).not.toContain("@neon-rs/load");
    expect(bundle).not.toContain("node_modules/ioredis");
    console.info(`wrangler dry-run: ${Math.round(performance.now() - started)} ms, ${bundle.length} bytes`);
  }, 120_000);
});
