import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseMetricArgs } from "../../commands/metric.ts";
import { FACT_COLUMNS, METRICS, parsePeriod } from "../../src/facts/index.ts";
import { chat } from "../helpers/chat.ts";
import { T0, type TestDeps, testDeps } from "../helpers/deps.ts";
import { handle, stockShop } from "./load.ts";
import { actualPaidOf, eventsOf, H, type ModelOrder } from "./model.ts";

let deps: TestDeps;
let c: ReturnType<typeof chat>;

/** Two paid orders today (T0 is 2026-11-28 10:00 Shanghai) on two channels, one unpaid. */
const base: Pick<ModelOrder, "province" | "discounts" | "shippingFee" | "borneBy" | "viaPayment"> = {
  province: "浙江省",
  discounts: [],
  shippingFee: 800,
  borneBy: "buyer",
  viaPayment: false,
};
const ORDERS: ModelOrder[] = [
  {
    ...base,
    orderNo: "C1",
    channel: "taobao",
    story: "paid",
    buyer: "u1",
    lines: [{ sku: "SKU-A", qty: 2, unitPrice: 5000 }],
    createdAt: T0 - 2 * H,
    paidAt: T0 - H,
  },
  {
    ...base,
    orderNo: "C2",
    channel: "shopee",
    story: "paid",
    buyer: "u2",
    lines: [{ sku: "SKU-B", qty: 1, unitPrice: 12_345 }],
    createdAt: T0 - 3 * H,
    paidAt: T0 - 2 * H,
  },
  {
    ...base,
    orderNo: "C3",
    channel: "taobao",
    story: "unpaid",
    buyer: "u3",
    lines: [{ sku: "SKU-A", qty: 9, unitPrice: 9900 }],
    createdAt: T0 - H,
  },
];
const yuan = (cents: number) =>
  `¥${Math.floor(cents / 100).toLocaleString("en-US")}.${String(cents % 100).padStart(2, "0")}`;

beforeEach(async () => {
  deps = await testDeps();
  c = chat(deps);
  await c.addUsers({ boss: "manager", fin: "finance", agent1: "agent" });
  await stockShop(deps);
  for (const o of ORDERS) for (const e of eventsOf(o)) await handle(deps, e);
});
afterEach(() => deps.close());

describe("指标 / metric", () => {
  it("alone lists every metric in the registry", async () => {
    const answer = await c.sayText("boss", "指标");
    expect(answer).toContain(`共 ${METRICS.length} 个指标`);
    for (const m of METRICS) expect(answer).toContain(`${m.zh}(${m.id}`);
  });

  it("answers every metric in the registry, each with its caliber", async () => {
    for (const m of METRICS) {
      const answer = await c.sayText("boss", `指标 ${m.zh} 7天`);
      expect(answer, m.id).toContain(`口径:${m.caliber}`);
    }
  });

  it("answers a metric split by channel with the caliber beside the values", async () => {
    const answer = await c.sayText("fin", "指标 支付金额 今日 按 渠道");
    const [taobao, shopee] = [actualPaidOf(ORDERS[0]!), actualPaidOf(ORDERS[1]!)];
    expect(answer).toContain(`• taobao:${yuan(taobao)}`);
    expect(answer).toContain(`• shopee:${yuan(shopee)}`);
    expect(answer).toContain(`合计:${yuan(taobao + shopee)}`);
    expect(answer).toContain("口径:支付金额 = SUM(actual_paid)");
  });

  it("takes English names, full-width input and a split written together", async () => {
    const answer = await c.sayText("boss", "metric Paid orders　７天　按渠道");
    expect(answer).toContain("近7天 2026-11-22 至 2026-11-28");
    expect(answer).toContain("• taobao:1");
    expect(answer).toContain("• shopee:1");
    expect(answer).not.toContain("C3");
  });

  it("answers 客单价 over a from..to range, counted per buyer", async () => {
    const answer = await c.sayText("boss", "指标 客单价 2026-11-01..2026-11-28");
    const perBuyer = Math.round((actualPaidOf(ORDERS[0]!) + actualPaidOf(ORDERS[1]!)) / 2);
    expect(answer).toContain(`客单价:${yuan(perBuyer)}`);
    expect(answer).toContain("2026-11-01 至 2026-11-28");
  });

  it("says what to type for an unknown metric, a split it cannot take and a bad range", async () => {
    expect(await c.sayText("boss", "指标 幸福指数")).toContain("发「指标」查看全部指标");
    expect(await c.sayText("boss", "指标 客单价 按 SKU")).toContain("可以按:天、渠道、省份");
    expect(await c.sayText("boss", "指标 GMV 按 颜色")).toContain("可以按 天|渠道|省份|SKU");
    expect(await c.sayText("boss", "指标 GMV 11-28..11-01")).toContain("早于开始日");
    expect(await c.sayText("boss", "指标 GMV 2026-02-30")).toContain("不是日期");
  });

  it("is refused to an agent, naming the roles that may ask", async () => {
    expect(await c.sayText("agent1", "指标 GMV")).toContain("需要角色");
  });
});

describe("口径 / caliber", () => {
  it("shows a metric's caliber, its executed definition and the lineage of the columns it reads", async () => {
    const answer = await c.sayText("agent1", "口径 客单价");
    expect(answer).toContain("客单价 = SUM(actual_paid) / 支付买家数");
    expect(answer).toContain("执行定义:select * from (select 'all' as k, 1.0 * (sum(f.actual_paid))");
    expect(answer).toContain("• actual_paid(实付金额):来自");
    expect(answer).toContain("• buyer_key(买家):来自");
  });

  it("shows one column's source system, rule and owner, by name or Chinese name", async () => {
    for (const q of ["paid_at", "付款时间"]) {
      const answer = await c.sayText("agent1", `口径 ${q}`);
      expect(answer).toContain("来源系统:渠道 pay_time / 支付回调");
      expect(answer).toContain("负责人:财务 (finance)");
      expect(answer).toContain("加工规则:");
    }
    const all = await c.sayText("agent1", "口径 字段");
    for (const col of FACT_COLUMNS) expect(all).toContain(`${col.name}(${col.zh})`);
  });

  it("says what to type for a name it does not know", async () => {
    expect(await c.sayText("agent1", "口径 心情")).toContain("「口径 字段」看全部字段");
    expect(await c.sayText("agent1", "口径")).toContain("例如:口径 客单价");
  });
});

describe("reading periods and splits", () => {
  const tz = "Asia/Shanghai";
  it.each([
    ["今日", "2026-11-28", "2026-11-28"],
    ["昨天", "2026-11-27", "2026-11-27"],
    ["7天", "2026-11-22", "2026-11-28"],
    ["近30天", "2026-10-30", "2026-11-28"],
    ["本月", "2026-11-01", "2026-11-28"],
    ["上月", "2026-10-01", "2026-10-31"],
    ["2026-11-01..2026-11-03", "2026-11-01", "2026-11-03"],
    ["11-01~11-03", "2026-11-01", "2026-11-03"],
    ["20261105", "2026-11-05", "2026-11-05"],
  ])("reads %j as %s..%s", (token, from, to) => {
    expect(parsePeriod(token, T0, tz)).toMatchObject({ from, to });
  });

  it.each(["2026-02-30", "11-28..11-01", "0天", "999天", "2026-01-01..2027-06-01", "x..y"])(
    "refuses %j",
    (token) => {
      expect(() => parsePeriod(token, T0, tz)).toThrow();
    },
  );

  it("leaves words that are no period to the metric name, and reads 按 with or without a space", () => {
    expect(parseMetricArgs(["paid", "amount", "按", "省份", "昨日"], T0, tz)).toMatchObject({
      name: "paid amount",
      by: "province",
      period: { from: "2026-11-27" },
    });
    expect(parseMetricArgs(["GMV", "按SKU"], T0, tz)).toMatchObject({ name: "GMV", by: "sku" });
    expect(() => parseMetricArgs(["GMV", "按"], T0, tz)).toThrow(/不能按/);
  });
});
