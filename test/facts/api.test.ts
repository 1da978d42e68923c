import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { loadShop } from "./load.ts";
import { DAYS, generateShop, type ModelOrder, shanghaiDay } from "./model.ts";

let deps: TestDeps;
let a: ReturnType<typeof api>;
let orders: ModelOrder[];
const period = `from=${DAYS[0]}&to=${DAYS[2]}`;

beforeAll(async () => {
  deps = await testDeps();
  deps.clock.set(Date.parse("2026-12-01T02:00:00Z"));
  orders = generateShop(11, 40);
  await loadShop(deps, orders);
  a = api(deps);
}, 60_000);
afterAll(() => deps.close());

const paidIn = (pred: (o: ModelOrder) => boolean) =>
  orders.filter((o) => o.paidAt !== undefined && DAYS.includes(shanghaiDay(o.paidAt)) && pred(o));

describe("GET /api/v1/metrics", () => {
  it("lists at least 27 metrics, each with names, unit, caliber, owner, splits and an executed definition", async () => {
    const res = await a.call("GET", "/metrics");
    expect(res.status).toBe(200);
    expect(res.body.metrics.length).toBeGreaterThanOrEqual(27);
    for (const m of res.body.metrics) {
      for (const k of ["id", "zh", "en", "unit", "caliber", "owner", "definition"])
        expect(m[k], `${m.id}.${k}`).toBeTruthy();
      expect(m.dims.length, m.id).toBeGreaterThan(0);
      expect(m.definition, m.id).toMatch(/^(with|select) /);
    }
  });

  it("answers every metric in the registry with its caliber", async () => {
    const { body } = await a.call("GET", "/metrics");
    for (const m of body.metrics) {
      const res = await a.call("GET", `/metrics/${m.id}?${period}`);
      expect(res.status, `${m.id}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.caliber).toBe(m.caliber);
      expect(res.body.rows.length, m.id).toBeGreaterThan(0);
    }
  });

  it("answers one metric by id or Chinese name with its caliber", async () => {
    const byName = await a.call("GET", `/metrics/${encodeURIComponent("支付订单数")}?${period}`);
    expect(byName.status).toBe(200);
    expect(byName.body.metric.id).toBe("paid_orders");
    expect(byName.body.total).toBe(paidIn(() => true).length);
    expect(byName.body.caliber).toContain("未付款、付款前取消的订单不计");
    expect(byName.body.time_zone).toBe("Asia/Shanghai");
  });

  it.each([
    ["/metrics/gmv?from=2026-13-01", 400],
    ["/metrics/gmv?from=2026-11-28&to=2026-11-01", 400],
    ["/metrics/gmv?by=colour", 400],
    ["/metrics/avg_order_value?by=sku", 400],
    ["/metrics/top_skus?by=channel", 400],
    ["/metrics/happiness", 404],
  ])("%s → %i with {error, message}", async (path, status) => {
    const res = await a.call("GET", path);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(typeof res.body.error).toBe("string");
    expect(typeof res.body.message).toBe("string");
  });
});

describe("GET /api/v1/facts", () => {
  it("annotates every column of the wide table with its source, rule and owner", async () => {
    const res = await a.call("GET", "/facts/columns");
    const table = await deps.db.all<{ name: string }>(sql`select name from pragma_table_info('order_facts')`);
    const lineage = new Map(res.body.columns.map((c: { name: string }) => [c.name, c]));
    for (const { name } of table) {
      const c = lineage.get(name) as { source: string; rule: string; owner: string } | undefined;
      expect(c, `lineage of ${name}`).toBeDefined();
      expect(c!.source && c!.rule && c!.owner, name).toBeTruthy();
    }
    expect(lineage.size).toBe(table.length);
  });

  it("filters by channel and SKU and pages with next_after until every row came", async () => {
    const want = paidIn((o) => o.channel === "taobao" && o.lines.some((l) => l.sku === "SKU-A"));
    expect(want.length).toBeGreaterThan(2);
    const seen: string[] = [];
    let after = "";
    for (let i = 0; i < 20; i++) {
      const res = await a.call("GET", `/facts?${period}&channel=taobao&sku=SKU-A&limit=2${after}`);
      expect(res.status).toBe(200);
      expect(res.body.columns.length).toBeGreaterThan(20);
      seen.push(...res.body.rows.map((r: { order_no: string }) => r.order_no));
      if (!res.body.next_after) break;
      after = `&after=${res.body.next_after}`;
    }
    expect(seen.sort()).toEqual(want.map((o) => o.orderNo).sort());
  });

  it("exports the same rows as CSV, with a header of column names and a link to their lineage", async () => {
    const res = await a.app.request(`/api/v1/facts?${period}&format=csv`, {
      headers: { authorization: "Bearer test-token-0123456789abcdef" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("link")).toContain("/api/v1/facts/columns");
    const lines = (await res.text())
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]!.split(",").slice(0, 3)).toEqual(["order_no", "channel", "status_anchor"]);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(",")[0])
        .sort(),
    ).toEqual(
      paidIn(() => true)
        .map((o) => o.orderNo)
        .sort(),
    );
  });

  it.each(["limit=0", "format=xml", "from=yesterday", "after=!!", "after=WzEsMl0"])(
    "refuses %s",
    async (q) => {
      const res = await a.call("GET", `/facts?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("bad_request");
    },
  );
});
