import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { report } from "../../commands/report.ts";
import { reports } from "../../src/db/schema/index.ts";
import { parseReportDay } from "../../src/reports/daily-report.ts";
import { api } from "../helpers/api.ts";
import { chat } from "../helpers/chat.ts";
import { settle, T0, type TestDeps, testDeps } from "../helpers/deps.ts";

let deps: TestDeps;
let c: ReturnType<typeof chat>;

beforeEach(async () => {
  deps = await testDeps();
  c = chat(deps);
  c.bot.command(report);
  await c.addUsers({ boss: "manager", agent1: "agent", fin: "finance" });
});
afterEach(async () => deps.close());

describe("日报 / report", () => {
  it("computes and stores yesterday's report when none was stored, then answers the stored one", async () => {
    const first = await c.sayText("boss", "日报");
    expect(first).toContain("**经营日报 2026-11-27**");
    expect(first).toContain("图表见 /api/v1/reports/1.png");
    const rows = await deps.db.select().from(reports);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.png).not.toBeNull();
    expect(await c.sayText("fin", "report 2026-11-27")).toBe(first);
    expect(await deps.db.select().from(reports)).toHaveLength(1);
  });

  it("shows today so far without storing it, since its numbers still move", async () => {
    const a = api(deps);
    await a.putSku("SKU-1", { on_hand: 10 });
    await a.createOrder("T1", [{ sku: "SKU-1", qty: 1 }]);
    await settle(deps);
    const answer = await c.sayText("boss", "日报 今天");
    expect(answer).toContain("经营日报 2026-11-28");
    expect(answer).toContain("新建订单:**1**");
    expect(answer).toContain("还没过完");
    expect(answer).not.toContain("图表见");
    expect(await deps.db.select().from(reports)).toHaveLength(0);
  });

  it("accepts full-width input and short dates", async () => {
    expect(await c.sayText("boss", "日报 １１－２５")).toContain("经营日报 2026-11-25");
  });

  it("refuses a day that has not come and a date it cannot read, saying what to type", async () => {
    expect(await c.sayText("boss", "日报 2026-12-01")).toContain("还没到");
    expect(await c.sayText("boss", "日报 下周")).toContain("请写 2026-11-27");
  });

  it("is refused to an agent, naming the roles it needs", async () => {
    const answer = await c.sayText("agent1", "日报");
    expect(answer).toContain("需要角色");
    expect(await deps.db.select().from(reports)).toHaveLength(0);
  });
});

describe("parseReportDay", () => {
  const tz = "Asia/Shanghai";
  it.each([
    ["", "2026-11-27"],
    ["昨天", "2026-11-27"],
    ["前天", "2026-11-26"],
    ["today", "2026-11-28"],
    ["2026/11/3", "2026-11-03"],
    ["20261120", "2026-11-20"],
    ["11月20日", "2026-11-20"],
    ["12-31", "2025-12-31"],
  ])("reads %j as %s", (input, day) => {
    expect(parseReportDay(input, T0, tz)).toBe(day);
  });

  it("rejects a date that does not exist", () => {
    expect(() => parseReportDay("2026-02-30", T0, tz)).toThrow(/看不懂日期/);
  });
});
