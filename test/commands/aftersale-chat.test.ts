import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Card, newCardId } from "../../bot/card.ts";
import { findJob } from "../../jobs/index.ts";
import { runJob } from "../../jobs/runner.ts";
import { signOrderRef } from "../../src/aftersales/qr.ts";
import { auditLog, cardDecisions, orders, refunds } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { chat } from "../helpers/chat.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client, miniappOrder } from "../helpers/push.ts";

let deps: TestDeps;
let c: ReturnType<typeof chat>;

async function paidOrder(orderNo: string) {
  const a = api(deps);
  await a.putSku("SKU-A", { on_hand: 50, cost: 3000 });
  await a.putSku("SKU-B", { on_hand: 50, cost: 6000 });
  await a.createOrder(
    orderNo,
    [
      { sku: "SKU-A", qty: 2, unit_price: 5990 },
      { sku: "SKU-B", qty: 1, unit_price: 12900 },
    ],
    {
      shipping_fee: 1000,
      shipping_borne_by: "buyer",
      discounts: [
        { kind: "full_reduction", amount: 2000, name: "满200减20" },
        { kind: "coupon", amount: 1000, name: "店铺券" },
        { kind: "points", amount: 300, name: "积分" },
      ],
    },
  );
  expect((await a.pay(orderNo, `wx-${orderNo}`, 24580)).status).toBe(200);
  await settle(deps);
}

beforeEach(async () => {
  deps = await testDeps();
  c = chat(deps);
  await c.addUsers({ agent1: "agent", sup1: "supervisor", sup2: "supervisor", wh1: "warehouse" });
});
afterEach(async () => deps.close());

describe("after-sales in chat", () => {
  it("opens, shows, quotes and approves a case, with role checks and audit", async () => {
    await paidOrder("M1");
    const opened = await c.sayText("agent1", "售后 新建 M1 退货退款 SKU-Ax1 原因:尺码不合适");
    expect(opened).toMatch(/已建售后 #1/);
    expect(opened).toContain("退货退款");
    expect(opened).toContain("原因:尺码不合适");
    expect(await c.sayText("agent1", "查单 M1")).toContain("售后 #1 退货退款 处理中");

    const quote = await c.sayText("agent1", "退款试算 M1 SKU-Ax1");
    expect(quote).toContain("¥59.90");
    expect(quote).toMatch(/满减|full_reduction/);

    expect(await c.sayText("agent1", "售后 批准 #1")).toContain("需要角色");
    const approved = await c.sayText("sup1", "售后 批准 #1");
    expect(approved).toContain("✅ 已批准售后 #1");
    expect(await c.sayText("sup2", "售后 批准 #1")).toMatch(/已由 sup1 批准|已批准/);
    expect(await deps.db.select().from(refunds)).toHaveLength(1);
    const shown = await c.sayText("agent1", "售后 #1");
    expect(shown).toContain("已退款(待收退货)");
    expect(shown).toContain("sup1 批准");
    const actions = (await deps.db.select().from(auditLog)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["aftersale.open", "refused", "aftersale.approve"]));
  });

  it("refuses what an experienced user would expect refused, saying what to type", async () => {
    await paidOrder("M1");
    expect(await c.sayText("agent1", "售后 新建 NOPE 仅退款 SKU-Ax1")).toContain("没有找到");
    expect(await c.sayText("agent1", "售后 新建 M1 仅退款 SKU-Ax5")).toContain("只剩 2 件");
    expect(await c.sayText("agent1", "售后 新建 M1 仅退款 SKU-Ax0")).toContain("正整数");
    expect(await c.sayText("agent1", "售后 新建 M1")).toContain("SKU-1x1");
    expect(await c.sayText("agent1", "退款试算 M1")).toContain("退款试算 M20260118001 SKU-1x1");
    // A cancelled order takes no after-sales case.
    const push = client(deps);
    const created = miniappOrder({
      order_no: "C1",
      event_id: "c1-created",
      lines: [{ sku: "SKU-A", qty: 1, unit_price: 5000, promo_tag: null }],
    });
    await push.own("miniapp", JSON.stringify(created));
    await push.own(
      "miniapp",
      JSON.stringify({
        ...created,
        event_id: "c1-cancel",
        status: "cancelled",
        event_time: "2026-11-28T10:05:00+08:00",
      }),
    );
    await settle(deps);
    expect(await c.sayText("agent1", "售后 新建 C1 仅退款 SKU-Ax1")).toMatch(/已取消|还没有付款/);
  });

  it("receives a return by the scanned order code, for the warehouse only", async () => {
    await paidOrder("M1");
    await c.sayText("agent1", "售后 新建 M1 退货退款 SKU-B");
    const code = signOrderRef(deps.aftersale.qrSecret, "M1");
    expect(await c.sayText("agent1", `扫码 ${code}`)).toContain("需要角色");
    const ok = await c.sayText("wh1", `扫码 ${code}`);
    expect(ok).toContain("退货已入库:SKU-B×1");
    expect(ok).toContain("冲回成本 ¥60.00");
    expect(await c.sayText("wh1", `扫码 ${code}`)).toContain("已经扫过");
    expect(await c.sayText("wh1", "扫码 6901234567892")).toContain("商品条码");
  });

  it("freezes and unfreezes a customer: supervisors only, new orders held meanwhile", async () => {
    expect(await c.sayText("agent1", "冻结 13800000000 恶意退款")).toContain("需要角色");
    expect(await c.sayText("sup1", "冻结 138-0000-0000 恶意退款")).toContain("已冻结客户 13800000000");
    await paidOrder("M3");
    const [m3] = await deps.db.select().from(orders).where(eq(orders.orderNo, "M3"));
    expect(m3?.attention).toBe("held_frozen_buyer");
    const card = (await c.say("sup1", "查单 M3")).replies.find((r) => r.kind === "card");
    const buttons = card?.kind === "card" ? card.card.buttons.map((b) => b.text) : [];
    expect(buttons).toEqual(expect.arrayContaining(["审核通过,放行", "已与买家协商取消"]));
    expect(await c.sayText("sup1", "解冻 13800000000")).toContain("已解冻");
    expect(await c.sayText("sup1", "解冻 13800000000")).toContain("没有被冻结");
  });

  it("takes the SLA card's decision once when two supervisors click together", async () => {
    await paidOrder("M1");
    await c.sayText("agent1", "售后 新建 M1 仅退款 SKU-Ax1");
    deps.clock.advance(73 * 3_600_000);
    await runJob(deps, findJob("sla")!);
    const notice = deps.notifier.sent.find((n) => n.title.includes("售后 #1"));
    expect(notice?.actions).toBeDefined();
    // The card a chat notifier sends for this notice (bot/notifiers builds it the same way).
    const card: Card = {
      id: newCardId("notice", "M1", deps.clock.now()),
      kind: "notice",
      subject: "M1",
      title: notice!.title,
      fields: [],
      buttons: notice!.actions!.map((x) => ({ text: x.text, action: x.action })),
    };
    await c.bot.remember([card]);
    const claim = await c.click("sup1", card.id, notice!.actions![0]!.action);
    expect((claim.replies[0] as { text: string }).text).toContain("已认领售后 #1");
    const [x, y] = await Promise.all([
      c.click("sup1", card.id, notice!.actions![1]!.action),
      c.click("sup2", card.id, notice!.actions![2]!.action),
    ]);
    const texts = [x, y].map((o) => (o.replies[0] as { text: string }).text);
    expect(texts.filter((t) => t.startsWith("✅"))).toHaveLength(1);
    expect(texts.some((t) => t.includes("已由"))).toBe(true);
    expect(await deps.db.select().from(cardDecisions)).toHaveLength(1);
    expect(await c.sayText("agent1", "售后 #1")).toMatch(/已完成|已驳回/);
  });
});
