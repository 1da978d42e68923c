import { desc, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { driftJob } from "../../jobs/drift.ts";
import { runJob } from "../../jobs/runner.ts";
import { driftItems, driftRuns, jobRuns } from "../../src/db/schema/index.ts";
import type { Deps } from "../../src/deps.ts";
import { runDrift } from "../../src/drift/index.ts";
import type { Notice } from "../../src/shared/notifier.ts";
import { T0, type TestDeps, testDeps } from "../helpers/deps.ts";
import { apply, HOUR, wmsShipped } from "./helpers.ts";

let deps: TestDeps;
beforeEach(async () => {
  deps = await testDeps();
});
afterEach(async () => deps.close());

const paid = (orderNo: string, at: number) =>
  apply(deps, { source: "miniapp", orderNo, at, fields: { status: "paid" } });
const run = (day: string, now: number, d: Deps = deps) =>
  runDrift({ db: d.db, writer: d.writer, rules: d.rules, timeZone: d.config.TZ_DISPLAY, day, now });
const items = (runId: number) =>
  deps.db.select().from(driftItems).where(eq(driftItems.runId, runId)).orderBy(driftItems.orderNo);

describe("drift runs", () => {
  it("marks an item fixed before the next run resolved with that run's id", async () => {
    await paid("R-FIXED", T0 - HOUR);
    const r1 = await run("2026-11-28", T0 + 30 * HOUR);
    expect((await items(r1.runId)).map((i) => [i.orderNo, i.kind])).toEqual([
      ["R-FIXED", "paid_not_allocated"],
    ]);

    deps.clock.set(T0 + 31 * HOUR); // the warehouse accepts it the next day
    await apply(deps, {
      source: "wms",
      orderNo: "R-FIXED",
      at: T0 + 31 * HOUR,
      rawStatus: "ACCEPT",
      fields: { packaged_time: 0, logistics_no: "", status: "ACCEPT" },
    });
    const r2 = await run("2026-11-29", T0 + 40 * HOUR);
    expect(r2).toMatchObject({ found: 0, resolved: 1, previousRunId: r1.runId });
    const [old] = await items(r1.runId);
    expect(old).toMatchObject({ resolvedAt: T0 + 40 * HOUR, resolvedRunId: r2.runId });
    const [stored] = await deps.db.select().from(driftRuns).where(eq(driftRuns.id, r2.runId));
    expect(stored).toMatchObject({ status: "ok", found: 0, resolved: 1, day: "2026-11-29" });
  });

  it("carries first_seen_at over while an order keeps drifting, even when nobody touched it again", async () => {
    await paid("R-STUCK", T0 - HOUR); // waiting on paid: in the lookback of the next day's run
    await apply(deps, {
      source: "wms",
      orderNo: "R-UNKNOWN",
      at: T0 - HOUR,
      rawStatus: "WEIRD",
      fields: { packaged_time: 0, logistics_no: "", status: "WEIRD" },
    }); // anchor created: outside the next day's scope, checked again as an open item
    const r1 = await run("2026-11-28", T0 + 30 * HOUR);
    expect(r1.found).toBe(2);
    const r2 = await run("2026-11-29", T0 + 54 * HOUR);
    expect(r2).toMatchObject({ found: 2, carried: 2, resolved: 0, scanned: 2 });
    for (const i of await items(r2.runId)) expect(i.firstSeenAt, i.orderNo).toBe(T0 + 30 * HOUR);
    for (const i of await items(r1.runId)) expect(i.resolvedAt).toBeNull();
  });
});

describe("the drift job", () => {
  async function drifting() {
    // Touched on 11-28 (the clock is T0); event times earlier so thresholds have passed by 02:00.
    await paid("J-PAID", T0 - 20 * HOUR);
    await paid("J-NOPICK", T0 - 60 * HOUR);
    await apply(deps, wmsShipped("J-NOPICK", T0 - 40 * HOUR));
    for (const [no, at] of [
      ["J-TB-1", 3],
      ["J-TB-2", 5],
    ] as const) {
      await apply(deps, {
        source: "taobao",
        orderNo: no,
        at: T0 - (at + 1) * HOUR,
        fields: { status: "WAIT_SELLER_SEND_GOODS" },
      });
      await apply(deps, wmsShipped(no, T0 - at * HOUR));
    }
    await apply(deps, {
      source: "taobao",
      orderNo: "J-CLOSE",
      at: T0 - 3 * HOUR,
      fields: { status: "WAIT_SELLER_SEND_GOODS" },
    });
    await apply(deps, wmsShipped("J-CLOSE", T0 - 2 * HOUR));
    await apply(deps, {
      source: "taobao",
      orderNo: "J-CLOSE",
      at: T0 - HOUR,
      fields: { status: "TRADE_CLOSED_BY_TAOBAO" },
    });
    await paid("J-OK", T0 - 5 * HOUR);
    await apply(deps, wmsShipped("J-OK", T0 - 4 * HOUR));
    await apply(deps, {
      source: "logistics",
      waybillNo: "WBJ-OK",
      at: T0 - 3 * HOUR,
      fields: { state: "3" },
      shipment: { waybillNo: "WBJ-OK", signedAt: T0 - 3 * HOUR, pickedUpAt: T0 - 4 * HOUR },
    });
  }

  it("sends one message to ops with the summary and top items, only once the run is stored", async () => {
    await drifting();
    const seen: Array<{ notice: Notice; status: string | undefined; stored: number }> = [];
    deps.notifier = {
      sent: deps.notifier.sent,
      async send(n) {
        const [r] = await deps.db.select().from(driftRuns).orderBy(desc(driftRuns.id)).limit(1);
        const stored = r ? (await items(r.id)).length : 0;
        seen.push({ notice: n, status: r?.status, stored });
        deps.notifier.sent.push(n);
      },
    };
    deps.clock.set(Date.parse("2026-11-29T02:00:00+08:00"));
    const out = await runJob(deps, driftJob);
    expect(out).toMatchObject({ outcome: "ok", counts: { scanned: 6, found: 5, fresh: 5, resolved: 0 } });
    expect(seen).toHaveLength(1);
    const { notice, status, stored } = seen[0]!;
    expect(status).toBe("ok");
    expect(stored).toBe(5);
    expect(notice.to).toBe("ops");
    expect(notice.title).toBe("漂移清单 2026-11-28:5 条(新增 5,已解决 0)");
    expect(notice.text).toContain("核对 6 单,发现 **5** 条漂移:新增 5,延续 0;上次以来已解决 0。");
    expect(notice.text).toContain("- 仓库已发货,渠道未同步:2(新增 2,延续 0)");
    expect(notice.text).toMatch(
      /1\. J-CLOSE 渠道已取消\/关闭,锚点未跟随\(锚点 仓库已发出\):taobao 报 TRADE_CLOSED_BY_TAOBAO/,
    );
    expect(notice.text).toContain("J-PAID 付款超时未分仓");
    expect(notice.text).toContain("J-NOPICK 发货超时未揽收");
    expect(notice.text).not.toContain("J-OK");
    expect(notice.text).toContain(`[完整清单 CSV](/api/v1/drift/runs/${out.counts.run}.csv)`);
    console.log(`--- drift message ---\n${notice.title}\n\n${notice.text}\n---`);
  });

  it("records a run that throws as failed and sends nothing", async () => {
    await drifting();
    const broken: Deps = {
      ...deps,
      rules: {
        ...deps.rules,
        evaluate() {
          throw new Error("rules exploded");
        },
      },
    };
    deps.clock.set(Date.parse("2026-11-29T02:00:00+08:00"));
    const out = await runJob(broken, driftJob);
    expect(out).toMatchObject({ outcome: "failed", error: "rules exploded" });
    expect(deps.notifier.sent).toEqual([]);
    const [r] = await deps.db.select().from(driftRuns);
    expect(r).toMatchObject({ status: "failed", day: "2026-11-28" });
    const [job] = await deps.db.select().from(jobRuns).where(eq(jobRuns.job, "drift"));
    expect(job).toMatchObject({ outcome: "failed", error: "rules exploded" });
  });
});
