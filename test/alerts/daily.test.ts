import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../bot/card.ts";
import { findJob } from "../../jobs/index.ts";
import { runJob } from "../../jobs/runner.ts";
import { chat } from "../helpers/chat.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { addr, hits, line, pushOrder, stock } from "./helpers.ts";

let deps: TestDeps;
let c: ReturnType<typeof chat>;

beforeEach(async () => {
  deps = await testDeps();
  c = chat(deps);
  await c.addUsers({ mgr1: "manager" });
  await stock(deps);
});
afterEach(async () => deps.close());

describe("the daily report's alert part", () => {
  it("shows each rule's effect for the day and the P3 digest, with nothing sent for P3 at the time", async () => {
    await c.sayText("mgr1", "规则 设置 同号多单 level=P3 min_orders=2 min_addresses=2");
    const yesterday = deps.clock.now();
    await pushOrder(deps, {
      buyer: { id: "h1", phone: "13600000011" },
      lines: [line(600)],
      address: addr("杭州市", "汉庭酒店"),
    });
    await pushOrder(deps, {
      buyer: { id: "h2", phone: "13600000012" },
      lines: [line(800)],
      address: addr("杭州市", "如家酒店"),
    });
    const buyer = { id: "p3", phone: "13600000001" };
    await pushOrder(deps, { buyer, lines: [line(10)], address: addr("杭州市", "一路 1 号") });
    await pushOrder(deps, { buyer, lines: [line(10)], address: addr("宁波市", "二路 2 号") });
    expect(deps.notifier.sent.filter((n) => n.title.includes("同号多单"))).toEqual([]);
    const [first] = await hits(deps, "address_risk");
    const o = await c.say("mgr1", `告警 ${first!.id}`);
    const card = (o.replies[0] as { card: Card }).card;
    await c.click("mgr1", card.id, card.buttons.find((b) => b.text === "拦截")!.action!);

    deps.clock.set(yesterday + 24 * 3_600_000);
    await runJob(deps, findJob("daily-report")!);
    const report = deps.notifier.sent.find((n) => n.title.startsWith("经营日报"))!;
    expect(report.text).toContain("异常预警:命中 **3** 次 · 拦截金额 **¥600.00**");
    expect(report.text).toContain("- 地址风险:命中 2 次(2 组) · 已决 1 / 待决 1 · 放行 0 · 拦截 1 · 冻结 0");
    expect(report.text).toContain("P3 摘要(1 条)");
    expect(report.text).toMatch(/- #\d+ 同号多单 A-\d+:手机号 13600000001/);
  });
});
