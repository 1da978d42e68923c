import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { alertsJob } from "../../jobs/alerts.ts";
import { runJob } from "../../jobs/runner.ts";
import { chat } from "../helpers/chat.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";
import { addr, hits, line, order, pushOrder, stock } from "./helpers.ts";

let deps: TestDeps;
let c: ReturnType<typeof chat>;
const MIN = 60_000;

async function setup(env: Record<string, string> = {}) {
  deps = await testDeps(env);
  c = chat(deps);
  await c.addUsers({ mgr1: "manager", sup1: "supervisor" });
  await stock(deps);
}
afterEach(async () => deps.close());

const risky = () => pushOrder(deps, { lines: [line(600)], address: addr("杭州市", "网吧 1 楼") });
const told = () => deps.notifier.sent.filter((n) => n.title.includes("地址风险")).map((n) => n.to);
const tick = async () => (await runJob(deps, alertsJob)).counts;

describe("P1 escalation along ALERT_ESCALATION", () => {
  beforeEach(() => setup({ ALERT_ESCALATION: "managers:10m,supervisors:5m,owner" }));

  it("goes to the supervisors after 10 minutes without a decision, then to the owner, then stops", async () => {
    await risky();
    expect(told()).toEqual(["managers"]);
    deps.clock.advance(9 * MIN);
    expect(await tick()).toMatchObject({ escalated: 0 });
    deps.clock.advance(MIN);
    expect(await tick()).toMatchObject({ escalated: 1 });
    expect(told()).toEqual(["managers", "supervisors"]);
    const up = deps.notifier.sent.at(-1)!;
    expect(up.text).toContain("已升级");
    expect(up.actions?.map((a) => a.text)).toEqual(["放行", "拦截", "冻结客户"]);
    deps.clock.advance(5 * MIN);
    expect(await tick()).toMatchObject({ escalated: 1 });
    expect(told()).toEqual(["managers", "supervisors", "owner"]);
    deps.clock.advance(60 * MIN);
    expect(await tick()).toMatchObject({ escalated: 0 });
    expect(told()).toHaveLength(3);
    const [hit] = await hits(deps);
    expect(hit).toMatchObject({ escalation: 2, nextEscalationAt: null, status: "open" });
  });

  it("does not escalate once someone decided", async () => {
    await risky();
    const [hit] = await hits(deps);
    expect(await c.sayText("mgr1", `审批 x 1`)).toBeTruthy(); // a typo'd approval changes nothing
    const card = (await c.say("mgr1", `告警 ${hit!.id}`)).replies[0];
    if (card?.kind !== "card") throw new Error("no card");
    await c.click("mgr1", card.card.id, card.card.buttons[0]!.action!);
    deps.clock.advance(30 * MIN);
    expect(await tick()).toMatchObject({ escalated: 0 });
    expect(told()).toEqual(["managers"]);
  });

  it("closes an alert nobody decided within ALERT_EXPIRE as expired; the order stays held", async () => {
    const no = await risky();
    deps.clock.advance(48 * 60 * MIN + MIN);
    expect(await tick()).toMatchObject({ expired: 1 });
    const [hit] = await hits(deps);
    expect(hit).toMatchObject({ status: "expired", outcome: "expired" });
    expect((await order(deps, no)).attention).toBe("held_alert");
  });
});

describe("silences (告警 静默 <规则> 2h)", () => {
  beforeEach(() => setup());

  it("mutes a rule's notices and escalation while it lasts, still holds orders, and ends by itself", async () => {
    const reply = await c.sayText("sup1", "告警 静默 地址风险 2h 演练中");
    expect(reply).toContain("已静默至");
    const held = await risky();
    expect((await order(deps, held)).attention).toBe("held_alert");
    expect(told()).toEqual([]);
    deps.clock.advance(30 * MIN);
    expect(await tick()).toMatchObject({ escalated: 0 });
    expect(told()).toEqual([]);
    expect(await c.sayText("sup1", "规则")).toContain("静默至");

    deps.clock.advance(91 * MIN);
    // The silence is over: the managers hear of the hit it kept back, it escalates, and a new hit
    // is told at once.
    expect(await tick()).toMatchObject({ escalated: 1, summarised: 1 });
    expect(deps.notifier.sent[0]!.text).toContain("静默期间");
    await risky();
    expect(told()).toEqual(["managers", "supervisors", "managers"]);
  });

  it("can be lifted early, and refuses a bad duration or an agent", async () => {
    await c.addUser("agent1", "agent");
    expect(await c.sayText("agent1", "告警 静默 地址风险 2h")).toMatch(/需要角色/);
    expect(await c.sayText("sup1", "告警 静默 地址风险 很久")).toContain("请写静默时长");
    expect(await c.sayText("sup1", "告警 静默 地址风险 30d")).toContain("最长 7 天");
    expect(await c.sayText("sup1", "告警 静默 没这规则 2h")).toContain("没有规则「没这规则」");
    await c.sayText("sup1", "告警 静默 地址风险 2小时");
    expect(await c.sayText("sup1", "告警 取消静默 地址风险")).toContain("已恢复通知");
    await risky();
    expect(told()).toEqual(["managers"]);
  });
});

describe("grouping and the hourly limit", () => {
  beforeEach(() => setup({ ALERT_MAX_PER_HOUR: "3" }));

  it("tells the first 3 hits of an hour one by one and sums up the rest in one message", async () => {
    for (let i = 0; i < 7; i++) await risky();
    expect(told()).toHaveLength(3);
    deps.clock.advance(2 * MIN);
    // Still within the hour of the first three: nothing more yet.
    expect(await tick()).toMatchObject({ summarised: 0 });
    deps.clock.advance(60 * MIN);
    const before = deps.notifier.sent.length;
    const r = await tick();
    expect(r).toMatchObject({ summarised: 4, escalated: 7 });
    const now = deps.notifier.sent.slice(before);
    // One summary of the 4 held back to the managers; the 7 escalations, over the limit, as one message.
    expect(now.map((n) => [n.to, n.title])).toEqual([
      ["managers", "【地址风险】另有 4 条告警未单独通知"],
      ["supervisors", "【地址风险】7 条告警升级到你,未逐条发卡片"],
    ]);
    expect(now[0]!.text).toContain("告警 open");
    expect(await tick()).toMatchObject({ summarised: 0, escalated: 0 });
  });
});
