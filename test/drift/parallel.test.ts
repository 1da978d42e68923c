import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_DRIFT_CONFIG,
  type DriftFinding,
  dayRange,
  findDrift,
  findDriftParallel,
  runDrift,
  sliceScope,
} from "../../src/drift/index.ts";
import { T0, type TestDeps, testDeps } from "../helpers/deps.ts";
import { apply, carrier, DAY, HOUR, wmsShipped } from "./helpers.ts";

/**
 * The parallel scan (worker threads, each with its own reader on the file) must find exactly what
 * the single-threaded scan finds, checking every order once, whatever the number of threads.
 */
const dir = mkdtempSync(join(tmpdir(), "anchorbot-drift-par-"));
let deps: TestDeps;
const ASOF = T0 + 60 * HOUR;

beforeAll(async () => {
  deps = await testDeps({ DATABASE_URL: `file:${join(dir, "drift.db")}` });
  const { start } = dayRange(DAY, deps.config.TZ_DISPLAY);
  // 240 orders touched across the day, in four stories: healthy, paid and never allocated,
  // shipped and never picked up, and closed by the channel after shipping.
  for (let i = 0; i < 240; i++) {
    const no = `P-${i}`;
    const at = start + Math.floor((i * 86_400_000) / 240) + 1000;
    deps.clock.set(at);
    const story = i % 4;
    if (story === 0 || story === 1)
      await apply(deps, { source: "miniapp", orderNo: no, at: at - HOUR, fields: { status: "paid" } });
    if (story === 0) {
      await apply(deps, wmsShipped(no, at - HOUR / 2));
      await apply(deps, carrier(`WB${no}`, at - HOUR / 4, "3"));
    }
    if (story === 2) {
      await apply(deps, { source: "miniapp", orderNo: no, at: at - 2 * HOUR, fields: { status: "paid" } });
      await apply(deps, wmsShipped(no, at - 60 * HOUR));
    }
    if (story === 3) {
      await apply(deps, {
        source: "taobao",
        orderNo: no,
        at: at - 3 * HOUR,
        fields: { status: "WAIT_SELLER_SEND_GOODS" },
      });
      await apply(deps, wmsShipped(no, at - 2 * HOUR));
      await apply(deps, { source: "taobao", orderNo: no, at: at - HOUR, fields: { status: "TRADE_CLOSED" } });
    }
  }
  await deps.writer.flush();
}, 120_000);

afterAll(async () => {
  await deps?.close();
  rmSync(dir, { recursive: true, force: true });
});

const key = (f: DriftFinding) => `${f.orderNo}|${f.kind}|${f.detail}`;

async function collect(pages: AsyncIterable<{ orderNos: string[]; findings: DriftFinding[] }>) {
  const orders: string[] = [];
  const findings: string[] = [];
  for await (const p of pages) {
    orders.push(...p.orderNos);
    findings.push(...p.findings.map(key));
  }
  return { orders: orders.sort(), findings: findings.sort() };
}

describe("the parallel drift scan", () => {
  const input = () => ({
    db: deps.db,
    hot: deps.database.hot!,
    rules: deps.rules,
    timeZone: deps.config.TZ_DISPLAY,
    day: DAY,
    asOf: ASOF,
    config: { ...DEFAULT_DRIFT_CONFIG, pageSize: 17 },
  });

  it("slices the day into parts of about equal size that cover it once", () => {
    const { start, end } = dayRange(DAY, deps.config.TZ_DISPLAY);
    const slices = sliceScope(deps.database.hot!, start, end, 3);
    expect(slices).toHaveLength(3);
    expect(slices[0]!.from).toBe(start);
    expect(slices.at(-1)!.to).toBe(end);
    for (let i = 1; i < slices.length; i++) expect(slices[i]!.from).toBe(slices[i - 1]!.to);
  });

  it.each([2, 3])(
    "finds with %i threads exactly what one thread finds, checking each order once",
    async (threads) => {
      expect(deps.database.hot).toBeTruthy();
      const one = await collect(findDrift(input()));
      const many = await collect(findDriftParallel({ ...input(), threads }));
      expect(one.orders).toHaveLength(240);
      expect(new Set(many.orders).size).toBe(many.orders.length);
      expect(many.orders).toEqual(one.orders);
      expect(many.findings).toEqual(one.findings);
      // The healthy story never drifts; the paid-never-allocated and never-picked-up ones always do.
      const drifting = new Set(one.findings.map((f) => f.split("|")[0]!));
      const story = (no: string) => Number(no.slice(2)) % 4;
      expect([...drifting].some((no) => story(no) === 0)).toBe(false);
      for (const s of [1, 2]) expect([...drifting].filter((no) => story(no) === s)).toHaveLength(60);
    },
    60_000,
  );

  it("falls back to one thread when the threads cannot open the file, and says so", async () => {
    const hot = deps.database.hot!;
    const broken = { ...hot, path: join(dir, "missing", "nowhere.db") };
    const reasons: string[] = [];
    const one = await collect(findDrift(input()));
    const got = await collect(
      findDriftParallel({ ...input(), hot: broken, threads: 2, onFallback: (e) => reasons.push(e.message) }),
    );
    expect(reasons).toHaveLength(1);
    expect(got).toEqual(one);
  }, 60_000);

  it("stores the same run through runDrift with threads as without", async () => {
    const a = await runDrift({ ...input(), writer: deps.writer, now: ASOF, threads: 1 });
    const b = await runDrift({ ...input(), writer: deps.writer, now: ASOF, threads: 3 });
    expect(b).toMatchObject({ scanned: a.scanned, found: a.found, carried: a.found, resolved: 0 });
  }, 60_000);
});
