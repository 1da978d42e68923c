import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dayRange, driftConfig, findDrift, previousDay } from "../../src/drift/index.ts";
import { T0, type TestDeps, testDeps } from "../helpers/deps.ts";
import { apply, HOUR, scan } from "./helpers.ts";

let deps: TestDeps;
beforeEach(async () => {
  deps = await testDeps();
});
afterEach(async () => deps.close());

/** An order touched (processed) at `touchedAt`, whatever its event time. */
async function touch(orderNo: string, touchedAt: number, status = "created") {
  deps.clock.set(touchedAt);
  await apply(deps, { source: "miniapp", orderNo, at: T0 - 48 * HOUR, fields: { status } });
}

describe("which orders a run covers", () => {
  it("uses Asia/Shanghai day boundaries", () => {
    expect(dayRange("2026-11-28", "Asia/Shanghai")).toEqual({
      start: Date.parse("2026-11-28T00:00:00+08:00"),
      end: Date.parse("2026-11-29T00:00:00+08:00"),
    });
    expect(previousDay(Date.parse("2026-11-29T02:00:00+08:00"), "Asia/Shanghai")).toBe("2026-11-28");
    // 01:00 in Shanghai is still the previous day in UTC: the zone decides, not UTC.
    expect(previousDay(Date.parse("2026-11-29T01:00:00+08:00"), "Asia/Shanghai")).toBe("2026-11-28");
  });

  it("checks orders touched on the day and ignores those touched on the days around it", async () => {
    await touch("EDGE-BEFORE", Date.parse("2026-11-27T23:59:59.999+08:00"));
    await touch("EDGE-START", Date.parse("2026-11-28T00:00:00+08:00"));
    await touch("EDGE-END", Date.parse("2026-11-28T23:59:59.999+08:00"));
    await touch("EDGE-AFTER", Date.parse("2026-11-29T00:00:00+08:00"));
    const { pages } = await scan(deps, T0 + 30 * HOUR);
    expect(pages.flat().sort()).toEqual(["EDGE-END", "EDGE-START"]);
  });

  it("also checks orders still waiting on an anchor from the lookback days, not later ones", async () => {
    await touch("PAID-EARLIER", Date.parse("2026-11-25T12:00:00+08:00"), "paid");
    await touch("PAID-LATER", Date.parse("2026-11-29T12:00:00+08:00"), "paid");
    await touch("CREATED-EARLIER", Date.parse("2026-11-25T12:00:00+08:00"), "created");
    const asOf = Date.parse("2026-11-29T02:00:00+08:00");
    const { pages, kinds } = await scan(deps, asOf);
    expect(pages.flat()).toEqual(["PAID-EARLIER"]);
    expect(kinds("PAID-EARLIER")).toEqual(["paid_not_allocated"]);
    const none = await scan(deps, asOf, { config: driftConfig({ lookbackDays: 0 }) });
    expect(none.pages.flat()).toEqual([]);
  });

  it("pages through every touched order exactly once across page boundaries, ties included", async () => {
    const start = Date.parse("2026-11-28T00:00:00+08:00");
    const expected: string[] = [];
    // 23 orders over 7 distinct update times: several share a millisecond across page edges.
    for (let i = 0; i < 23; i++) {
      const no = `PG-${String(22 - i).padStart(2, "0")}`;
      expected.push(no);
      await touch(no, start + Math.floor(i / 4) * HOUR);
    }
    await touch("PG-OTHER-DAY", start - 1);
    const { pages } = await scan(deps, T0, { config: driftConfig({ pageSize: 3 }) });
    expect(pages.length).toBe(8);
    for (const p of pages) expect(p.length).toBeLessThanOrEqual(3);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(expected.sort());
  });
});

describe("on an embedded file", () => {
  it("pages through the prepared reader with the same result", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "drift-scope-"));
    const fileDeps = await testDeps({ DATABASE_URL: `file:${join(dir, "a.db")}`, DATA_DIR: dir });
    try {
      expect(fileDeps.database.hot).not.toBeNull();
      const start = Date.parse("2026-11-28T00:00:00+08:00");
      for (let i = 0; i < 10; i++) {
        fileDeps.clock.set(start + Math.floor(i / 3) * HOUR);
        await apply(fileDeps, {
          source: "miniapp",
          orderNo: `F-${i}`,
          at: T0 - 30 * HOUR,
          fields: { status: "paid" },
        });
      }
      const seen: string[] = [];
      let found = 0;
      for await (const page of findDrift({
        db: fileDeps.db,
        hot: fileDeps.database.hot,
        rules: fileDeps.rules,
        timeZone: "Asia/Shanghai",
        day: "2026-11-28",
        asOf: T0,
        config: driftConfig({ pageSize: 4 }),
      })) {
        expect(page.orderNos.length).toBeLessThanOrEqual(4);
        seen.push(...page.orderNos);
        found += page.findings.filter((f) => f.kind === "paid_not_allocated").length;
      }
      expect(seen.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `F-${i}`).sort());
      expect(found).toBe(10);
    } finally {
      await fileDeps.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
