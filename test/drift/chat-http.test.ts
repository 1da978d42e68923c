import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { drift } from "../../commands/drift.ts";
import { runDrift } from "../../src/drift/index.ts";
import { driftRoutes } from "../../src/http/drift.ts";
import { bearerAuth } from "../../src/http/middleware.ts";
import { errorResponse } from "../../src/http/on-error.ts";
import { chat } from "../helpers/chat.ts";
import { auth, T0, type TestDeps, testDeps } from "../helpers/deps.ts";
import { apply, HOUR, wmsShipped } from "./helpers.ts";

let deps: TestDeps;
beforeEach(async () => {
  deps = await testDeps();
});
afterEach(async () => deps.close());

/** Three drifting orders (one with a comma and quotes in its detail) and a run over them. */
async function storedRun() {
  for (const no of ["H-1", "H-2"])
    await apply(deps, { source: "miniapp", orderNo: no, at: T0 - HOUR, fields: { status: "paid" } });
  await apply(deps, {
    source: "taobao",
    orderNo: "H-3",
    at: T0 - 3 * HOUR,
    fields: { status: "WAIT_SELLER_SEND_GOODS" },
  });
  await apply(deps, wmsShipped("H-3", T0 - 2 * HOUR));
  await apply(deps, {
    source: "taobao",
    orderNo: "H-3",
    at: T0 - HOUR,
    rawStatus: 'CLOSED, "BY" TAOBAO',
    fields: { status: "TRADE_CLOSED_BY_TAOBAO" },
  });
  const now = Date.parse("2026-11-29T12:00:00+08:00");
  deps.clock.set(now);
  return runDrift({
    db: deps.db,
    writer: deps.writer,
    rules: deps.rules,
    timeZone: "Asia/Shanghai",
    day: "2026-11-28",
    now,
  });
}

describe("漂移 in chat", () => {
  it("shows the latest run, a day's run, and one order's open drift", async () => {
    const c = chat(deps);
    c.bot.command(drift);
    await c.addUser("ops1", "ops");
    expect(await c.sayText("ops1", "漂移")).toContain("还没有漂移核对记录");
    const r = await storedRun();

    const latest = await c.sayText("ops1", "漂移");
    expect(latest).toContain("漂移清单 2026-11-28");
    expect(latest).toContain("核对 3 单,发现 3 条漂移:新增 3,延续 0");
    expect(latest).toContain("- 付款超时未分仓:2(新增 2,延续 0)");
    expect(latest).toContain("1. H-3 渠道已取消/关闭,锚点未跟随");
    expect(latest).toContain(`完整清单:/api/v1/drift/runs/${r.runId}.csv`);
    expect(latest).not.toContain("**");

    expect(await c.sayText("ops1", "drift 昨天")).toContain("漂移清单 2026-11-28");
    expect(await c.sayText("ops1", "漂移 2026-11-28")).toContain("漂移清单 2026-11-28");
    expect(await c.sayText("ops1", "漂移 2026-11-27")).toContain("还没有 2026-11-27 的漂移清单");
    expect(await c.sayText("ops1", "漂移 2026-02-30")).toContain("不是有效日期");

    const order = await c.sayText("ops1", "漂移 H-1");
    expect(order).toContain("订单 H-1 未解决的漂移(2026-11-28 核对)");
    expect(order).toContain("• 付款超时未分仓:付款于 11-28 09:00");
    expect(order).toContain("建议:检查 WMS");
    expect(await c.sayText("ops1", "漂移 H-OK")).toContain("没有未解决的漂移");
  });
});

describe("/api/v1/drift", () => {
  const app = () => {
    const a = new Hono();
    a.onError((err, c) => errorResponse(c, err, deps.logger));
    a.use("/api/v1/*", bearerAuth(deps.apiToken));
    a.route("/api/v1/drift", driftRoutes(deps));
    return a;
  };

  it("lists runs and pages through a run's items with next_after", async () => {
    const r = await storedRun();
    const a = app();
    const runs = await a.request("/api/v1/drift/runs", { headers: auth });
    expect(runs.status).toBe(200);
    expect(await runs.json()).toMatchObject({
      runs: [{ id: r.runId, day: "2026-11-28", status: "ok", scanned: 3, found: 3 }],
    });

    const first = await a.request(`/api/v1/drift/runs/${r.runId}?limit=2`, { headers: auth });
    const p1 = (await first.json()) as {
      items: Array<{ order_no: string; id: number }>;
      next_after: number;
      by_kind: unknown[];
    };
    expect(p1.items).toHaveLength(2);
    expect(p1.by_kind).toContainEqual({
      kind: "paid_not_allocated",
      label: "付款超时未分仓",
      count: 2,
      fresh: 2,
      carried: 0,
    });
    const second = await a.request(`/api/v1/drift/runs/${r.runId}?limit=2&after=${p1.next_after}`, {
      headers: auth,
    });
    const p2 = (await second.json()) as { items: Array<{ order_no: string }>; next_after: number | null };
    expect(p2.next_after).toBeNull();
    expect([...p1.items, ...p2.items].map((i) => i.order_no).sort()).toEqual(["H-1", "H-2", "H-3"]);

    const missing = await a.request("/api/v1/drift/runs/999", { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "not_found" });
    expect((await a.request("/api/v1/drift/runs")).status).toBe(401);
  });

  it("serves the full list as CSV with a header row and quoted cells", async () => {
    const r = await storedRun();
    const res = await app().request(`/api/v1/drift/runs/${r.runId}.csv`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const body = await res.text();
    const lines = body
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe("order_no,kind,kind_label,anchor,detail,suggestion,first_seen_at,resolved_at");
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.startsWith("H-3,"))).toContain('"taobao 报 CLOSED, ""BY"" TAOBAO(→已取消)');
    expect(lines.filter((l) => l.includes(",paid_not_allocated,付款超时未分仓,paid,"))).toHaveLength(2);
  });
});
