import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../bot/card.ts";
import { findJob } from "../../jobs/index.ts";
import { runJob } from "../../jobs/runner.ts";
import { alerts, auditLog, cardDecisions, orders } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { chat } from "../helpers/chat.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";

let deps: TestDeps;
let c: ReturnType<typeof chat>;

/** O1 is paid after its reservation expired and the stock went to O2: it needs a person. */
async function orderNeedingAttention() {
  const a = api(deps);
  await a.putSku("SKU-1", { on_hand: 3 });
  await a.createOrder("O1", [{ sku: "SKU-1", qty: 2 }]);
  deps.clock.advance(16 * 60_000);
  await runJob(deps, findJob("expire-reservations")!);
  await a.createOrder("O2", [{ sku: "SKU-1", qty: 2 }]);
  expect((await a.pay("O1", "wx-1", 2800)).body.outcome).toBe("manual_handling");
  await settle(deps);
}

async function supervisorCard(): Promise<Card> {
  const o = await c.say("sup1", "查单 O1");
  const card = o.replies.find((r) => r.kind === "card");
  if (card?.kind !== "card") throw new Error("no card");
  return card.card;
}

const resolveButton = (card: Card, text: string) => {
  const b = card.buttons.find((x) => x.text === text);
  if (!b?.action) throw new Error(`no button ${text}: ${JSON.stringify(card.buttons)}`);
  return b.action;
};

const attentionOf = async (no: string) =>
  (await deps.db.select().from(orders).where(eq(orders.orderNo, no)))[0]?.attention;

beforeEach(async () => {
  deps = await testDeps();
  c = chat(deps);
  await c.addUsers({ agent1: "agent", sup1: "supervisor", sup2: "supervisor" });
  await orderNeedingAttention();
});
afterEach(async () => deps.close());

describe("decisions on cards", () => {
  it("offers supervisors the resolutions on a flagged order", async () => {
    const card = await supervisorCard();
    expect(card.lines?.join("\n")).toContain("已付款但库存已释放");
    expect(card.buttons.map((b) => b.text)).toEqual(
      expect.arrayContaining(["已退款给买家", "已补货,安排发货", "已与买家协商取消"]),
    );
  });

  it("lets exactly one of two supervisors clicking at once decide; the other sees who did", async () => {
    const card = await supervisorCard();
    const [a, b] = await Promise.all([
      c.click("sup1", card.id, resolveButton(card, "已退款给买家")),
      c.click("sup2", card.id, resolveButton(card, "已补货,安排发货")),
    ]);
    const texts = [a, b].map((o) => (o.replies[0] as { text: string }).text);
    expect(texts.filter((t) => t.startsWith("✅"))).toHaveLength(1);
    const loser = texts.find((t) => !t.startsWith("✅")) as string;
    const decisions = await deps.db.select().from(cardDecisions);
    expect(decisions).toHaveLength(1);
    const winner = decisions[0]!.decidedBy;
    expect(loser).toContain(`已由 ${winner}`);
    // Both cards are updated to show the one outcome, with no live buttons left.
    for (const o of [a, b]) {
      expect(o.cardUpdate?.footer).toContain(winner);
      expect(o.cardUpdate?.buttons.some((x) => x.action)).toBe(false);
    }
    expect(await attentionOf("O1")).toBeNull();
    const [alert] = await deps.db.select().from(alerts).where(eq(alerts.orderNo, "O1"));
    expect(alert?.status).toBe("resolved");
    const audited = await deps.db.select().from(auditLog).where(eq(auditLog.action, "attention.resolve"));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ userId: winner, cardId: card.id, subject: "O1" });
  });

  it("refuses an agent clicking a supervisor button and decides nothing", async () => {
    const card = await supervisorCard();
    const o = await c.click("agent1", card.id, resolveButton(card, "已退款给买家"));
    expect((o.replies[0] as { text: string }).text).toContain("需要角色");
    expect(o.cardUpdate).toBeUndefined();
    expect(await deps.db.select().from(cardDecisions)).toEqual([]);
    expect(await attentionOf("O1")).toBe("manual_handling");
    const [refusal] = await deps.db.select().from(auditLog).where(eq(auditLog.action, "refused"));
    expect(refusal).toMatchObject({ userId: "agent1", cardId: card.id });
  });

  it("takes a decision from the 审批 text fallback under the same rules", async () => {
    const card = await supervisorCard();
    const n = card.buttons.findIndex((b) => b.text === "已与买家协商取消") + 1;
    expect(await c.sayText("agent1", `审批 ${card.id} ${n}`)).toContain("需要角色");
    expect(await c.sayText("sup2", `审批 ${card.id} ${n}`)).toContain("✅");
    expect(await c.sayText("sup1", `审批 ${card.id} 已退款给买家`)).toContain("已由 sup2");
    expect(await c.sayText("sup1", `审批 ${card.id} 9`)).toContain("没有「9」这个按钮");
    expect(await c.sayText("sup1", "审批 nope-card 1")).toContain("没有找到");
  });

  it("answers a click on a card it does not know instead of failing silently", async () => {
    const o = await c.click("sup1", "forged-card", { id: "attention.resolve", payload: "O1~refunded" });
    expect(o.replies[0]).toMatchObject({ kind: "text" });
    expect(await attentionOf("O1")).toBeNull(); // the decision is on the order, not on the card text
    const bad = await c.click("sup1", "card-x", { id: "no.such.action", payload: "" });
    expect((bad.replies[0] as { text: string }).text).toContain("按钮已失效");
  });
});
