import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../bot/card.ts";
import { alertHits, auditLog, reservations } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { chat } from "../helpers/chat.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client } from "../helpers/push.ts";
import { addr, freezes, hits, line, order, pushOrder, stock } from "./helpers.ts";

let deps: TestDeps;
let c: ReturnType<typeof chat>;

beforeEach(async () => {
  deps = await testDeps();
  c = chat(deps);
  await c.addUsers({ mgr1: "manager", mgr2: "manager", sup1: "supervisor", agent1: "agent" });
  await stock(deps, "SKU-1", 100);
});
afterEach(async () => deps.close());

/** A ¥600 order to a hotel: held by the address rule. */
const risky = (over: Record<string, unknown> = {}) =>
  pushOrder(deps, { lines: [line(600, { qty: 2 })], address: addr("杭州市", "如家酒店 302"), ...over });

async function alertCard(user: string, id: number): Promise<Card> {
  const o = await c.say(user, `告警 ${id}`);
  const r = o.replies[0];
  if (r?.kind !== "card") throw new Error(`no card: ${JSON.stringify(o.replies)}`);
  return r.card;
}

const button = (card: Card, text: string) => {
  const b = card.buttons.find((x) => x.text === text);
  if (!b?.action) throw new Error(`no button ${text} in ${JSON.stringify(card.buttons)}`);
  return b.action;
};
const replyText = (o: { replies: { kind: string }[] }) => (o.replies[0] as unknown as { text: string }).text;
const hitById = async (id: number) =>
  (await deps.db.select().from(alertHits).where(eq(alertHits.id, id)))[0]!;

describe("decisions on alert cards", () => {
  it("放行 releases the held order, records approved and audits who decided", async () => {
    const no = await risky();
    const [hit] = await hits(deps);
    const card = await alertCard("mgr1", hit!.id);
    expect(card.buttons.map((b) => b.text)).toEqual(["放行", "拦截", "冻结客户"]);
    const out = await c.click("mgr1", card.id, button(card, "放行"));
    expect(replyText(out)).toContain("已放行");
    expect((await order(deps, no)).attention).toBeNull();
    expect(await hitById(hit!.id)).toMatchObject({
      status: "decided",
      outcome: "approved",
      decidedBy: "mgr1",
    });
    const audit = await deps.db.select().from(auditLog).where(eq(auditLog.action, "alert.decide"));
    expect(audit.map((a) => a.userId)).toEqual(["mgr1"]);
  });

  it("拦截 cancels the order for real: the anchor folds to cancelled and the reserved stock comes back", async () => {
    const no = await risky();
    expect((await api(deps).sku("SKU-1")).body.reserved).toBe(2);
    const [hit] = await hits(deps);
    const card = await alertCard("mgr1", hit!.id);
    const out = await c.click("mgr1", card.id, button(card, "拦截"));
    expect(replyText(out)).toContain("已拦截");
    const o = await order(deps, no);
    expect(o.statusAnchor).toBe("cancelled");
    expect(o.attention).toBeNull();
    expect((await client(deps).order(no)).body.status_anchor).toBe("cancelled");
    expect((await api(deps).sku("SKU-1")).body.reserved).toBe(0);
    const res = await deps.db.select().from(reservations).where(eq(reservations.orderNo, no));
    expect(res.map((r) => r.status)).toEqual(["cancelled"]);
    expect((await hitById(hit!.id)).outcome).toBe("rejected");
  });

  it("拦截 of a paid order returns its deducted units to on-hand", async () => {
    const no = await risky();
    await api(deps).pay(no, `wx-${no}`, 120_000);
    await settle(deps);
    expect((await api(deps).sku("SKU-1")).body.on_hand).toBe(98);
    const [hit] = await hits(deps, "address_risk");
    const card = await alertCard("mgr1", hit!.id);
    await c.click("mgr1", card.id, button(card, "拦截"));
    expect((await api(deps).sku("SKU-1")).body).toMatchObject({ on_hand: 100, reserved: 0 });
  });

  it("冻结客户 freezes the customer and stops the order; their next order is held", async () => {
    const no = await risky({ buyer: { id: "u-frz", phone: "13700000001" } });
    const [hit] = await hits(deps);
    const card = await alertCard("mgr1", hit!.id);
    const out = await c.click("mgr1", card.id, button(card, "冻结客户"));
    expect(replyText(out)).toContain("13700000001");
    expect((await freezes(deps)).map((f) => f.key)).toEqual(["13700000001"]);
    expect((await order(deps, no)).statusAnchor).toBe("cancelled");
    expect((await hitById(hit!.id)).outcome).toBe("frozen");
    const next = await pushOrder(deps, { buyer: { id: "u-frz", phone: "13700000001" }, lines: [line(10)] });
    expect((await order(deps, next)).attention).toBe("held_frozen_buyer");
  });

  it("takes the first of two managers clicking at once, on two different cards of the same alert", async () => {
    const no = await risky();
    const [hit] = await hits(deps);
    const a = await alertCard("mgr1", hit!.id);
    const b = await alertCard("mgr2", hit!.id);
    const [ra, rb] = await Promise.all([
      c.click("mgr1", a.id, button(a, "拦截")),
      c.click("mgr2", b.id, button(b, "放行")),
    ]);
    const texts = [replyText(ra), replyText(rb)];
    expect(texts.filter((t) => t.startsWith("✅"))).toHaveLength(1);
    const decided = await hitById(hit!.id);
    const loser = texts.find((t) => !t.startsWith("✅"))!;
    expect(loser).toContain("已处理");
    // The order is in exactly the state of the winning decision.
    const anchor = (await order(deps, no)).statusAnchor;
    expect(decided.outcome === "rejected" ? anchor === "cancelled" : anchor === "created").toBe(true);
  });

  it("refuses an agent, and the order stays held", async () => {
    const no = await risky();
    const [hit] = await hits(deps);
    const card = await alertCard("mgr1", hit!.id);
    const out = await c.click("agent1", card.id, button(card, "放行"));
    expect(replyText(out)).toMatch(/需要角色/);
    expect((await order(deps, no)).attention).toBe("held_alert");
    expect((await hitById(hit!.id)).status).toBe("open");
  });

  it("refuses an old card of a rule switched off since, and points to 查单; 查单's buttons still decide", async () => {
    const no = await risky();
    const [hit] = await hits(deps);
    const card = await alertCard("mgr1", hit!.id);
    expect(await c.sayText("mgr1", "规则 关 地址风险")).toContain("仍有 1 条待处理告警");
    const out = await c.click("mgr1", card.id, button(card, "放行"));
    expect(replyText(out)).toContain("规则「地址风险」已关闭");
    expect(replyText(out)).toContain(`查单 ${no}`);
    expect((await order(deps, no)).attention).toBe("held_alert");

    const look = await c.say("mgr1", `查单 ${no}`);
    const oc = look.replies.find((r) => r.kind === "card");
    if (oc?.kind !== "card") throw new Error("no order card");
    expect(oc.card.lines?.join("\n")).toContain("异常预警暂停");
    expect(oc.card.lines?.join("\n")).toContain(`(告警 ${hit!.id})`);
    const released = await c.click("mgr1", oc.card.id, button(oc.card, "审核通过,放行"));
    expect(replyText(released)).toContain("已放行");
    expect((await order(deps, no)).attention).toBeNull();
    expect((await hitById(hit!.id)).outcome).toBe("approved");
  });

  it("will not stop an order that has left the warehouse: says so, and nothing changes", async () => {
    const no = await risky();
    await api(deps).pay(no, `wx-${no}`, 120_000);
    const out = await client(deps).own(
      "wms",
      JSON.stringify({
        order_no: no,
        event_id: `wms-${no}`,
        event_time: new Date(deps.clock.now()).toISOString(),
        warehouse_code: "HZ01",
        packaged_time: Math.floor(deps.clock.now() / 1000) - 60,
        logistics_no: `YT${no}`,
        carrier: "YTO",
        outbound_time: Math.floor(deps.clock.now() / 1000),
      }),
    );
    expect(out.status).toBe(200);
    await settle(deps);
    expect((await order(deps, no)).statusAnchor).toBe("shipped_at_warehouse");
    const [hit] = await hits(deps, "address_risk");
    const card = await alertCard("mgr1", hit!.id);
    const r = await c.click("mgr1", card.id, button(card, "拦截"));
    expect(replyText(r)).toContain("已发货");
    expect((await order(deps, no)).statusAnchor).toBe("shipped_at_warehouse");
    expect((await hitById(hit!.id)).status).toBe("open");
  });

  it("answers a bad alert number and a malformed button clearly", async () => {
    expect(await c.sayText("mgr1", "告警 999")).toContain("没有告警 #999");
    expect(await c.sayText("mgr1", "告警 什么")).toContain("用法");
  });
});
