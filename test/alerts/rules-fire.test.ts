import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";
import { addr, freezes, hits, line, order, pushOrder, stock } from "./helpers.ts";

let deps: TestDeps;
const MIN = 60_000;

beforeEach(async () => {
  deps = await testDeps();
  await stock(deps);
});
afterEach(async () => deps.close());

const noticesFor = (orderNo: string) => deps.notifier.sent.filter((n) => n.subject === orderNo);

describe("address rule (地址风险): hotel/internet-café/locker address and amount > ¥500 → hold", () => {
  it("holds a ¥600 order to a hotel and sends the on-duty manager a P1 card with the three decisions", async () => {
    const no = await pushOrder(deps, {
      lines: [line(600)],
      address: addr("杭州市", "文三路 88 号如家酒店前台"),
    });
    const [hit] = await hits(deps, "address_risk");
    expect(hit).toMatchObject({ orderNo: no, level: "P1", action: "hold", status: "open", amount: 60_000 });
    expect(hit!.message).toContain("酒店");
    expect((await order(deps, no)).attention).toBe("held_alert");
    const [card] = noticesFor(no);
    expect(card).toMatchObject({ to: "managers", severity: "P1" });
    expect(card!.actions?.map((a) => a.text)).toEqual(["放行", "拦截", "冻结客户"]);
    expect(card!.actions?.[1]?.action).toEqual({ id: "alert.decide", payload: `${hit!.id}~block` });
  });

  it("lets through ¥500 exactly, a locker address under the amount, and an ordinary address over it", async () => {
    await pushOrder(deps, { lines: [line(500)], address: addr("杭州市", "如家酒店") });
    await pushOrder(deps, { lines: [line(300)], address: addr("杭州市", "丰巢快递柜 3 号") });
    const plain = await pushOrder(deps, { lines: [line(5000)], address: addr("杭州市", "文三路 1 号") });
    expect(await hits(deps, "address_risk")).toEqual([]);
    expect((await order(deps, plain)).attention).toBeNull();
  });

  it("matches the internet-café and locker words in the district too", async () => {
    const no = await pushOrder(deps, {
      lines: [line(800)],
      address: { province: "广东省", city: "深圳市", district: "南山区网吧街道", detail: "1 号" },
    });
    expect((await hits(deps, "address_risk")).map((h) => h.orderNo)).toEqual([no]);
  });
});

describe("behaviour rule (同号多单): same phone ≥ 5 orders in 1 h with scattered addresses → score, ≥ 85 → freeze", () => {
  const cities = ["杭州市", "宁波市", "温州市", "绍兴市", "嘉兴市", "湖州市", "金华市"];
  let k = 0;
  const burst = async (n: number, phone = "13900000001") => {
    const nos: string[] = [];
    for (let j = 0; j < n; j++) {
      const i = k++;
      nos.push(
        await pushOrder(deps, {
          buyer: { id: `b-${phone}`, phone },
          lines: [line(100)],
          address: addr(cities[i % cities.length]!, `幸福路 ${i + 1} 号`),
        }),
      );
      deps.clock.advance(5 * MIN);
    }
    return nos;
  };

  it("does nothing at 4 orders, scores at the 5th, and freezes the customer once the score reaches 85", async () => {
    await burst(4);
    expect(await hits(deps, "phone_burst")).toEqual([]);
    deps.notifier.sent.length = 0;

    const [fifth] = await burst(1, "13900000001");
    const [first] = await hits(deps, "phone_burst");
    expect(first).toMatchObject({ orderNo: fifth, groupKey: "13900000001", groupId: null });
    const parts = first!.details.parts as { part: string; points: number }[];
    expect(parts.map((p) => p.part)).toEqual(["订单数", "地址分散", "跨城市", "新客户"]);
    expect(parts.reduce((s, p) => s + p.points, 0)).toBe(first!.score);
    expect(first!.score).toBeLessThan(85);
    expect(first!.action).toBe("notify");
    expect(await freezes(deps)).toEqual([]);
    expect(deps.notifier.sent.filter((n) => n.title.includes("同号多单"))).toHaveLength(1);

    // Each further order joins the group; the one whose score crosses 85 freezes the customer.
    const more = await burst(3, "13900000001");
    const all = await hits(deps, "phone_burst");
    expect(all.slice(1).every((h) => h.groupId === first!.id)).toBe(true);
    const crossing = all.slice(1).find((h) => (h.score ?? 0) >= 85)!;
    expect(crossing.action).toBe("freeze");
    expect(all.slice(1, all.indexOf(crossing)).every((h) => h.action === "notify")).toBe(true);
    expect((await freezes(deps)).map((f) => f.key)).toEqual(["13900000001"]);
    // The group's first hit now carries the freeze and its score; every order of the burst is held.
    expect(all[0]).toMatchObject({ action: "freeze", score: crossing.score });
    // (orders after the freeze are already held as a frozen customer's when the rules see them)
    for (const h of all)
      expect((await order(deps, h.orderNo!)).attention).toMatch(/^held_(alert|frozen_buyer)$/);
    expect((await order(deps, all[0]!.orderNo!)).attention).toBe("held_alert");
    // The upgrade to a freeze is told once; the other followers are not a flood.
    const told = deps.notifier.sent.filter((n) => n.title.includes("同号多单"));
    expect(told).toHaveLength(2);
    expect(told[1]!.text).toContain("已执行:冻结客户并暂停");
    expect(more).toContain(crossing.orderNo);
  });

  it("does not fire for five orders to one address, or orders spread over more than the window", async () => {
    for (let i = 0; i < 5; i++)
      await pushOrder(deps, { buyer: { id: "same", phone: "13900000002" }, lines: [line(100)] });
    for (let i = 0; i < 5; i++) {
      await pushOrder(deps, {
        buyer: { id: "slow", phone: "13900000003" },
        lines: [line(100)],
        address: addr(cities[i]!, `路 ${i}`),
      });
      deps.clock.advance(20 * MIN);
    }
    expect(await hits(deps, "phone_burst")).toEqual([]);
  });
});

describe("price rule (超低价): a line discounted > 85% without a promotion tag → lock, notify ops", () => {
  it("locks the order and tells ops; a promoted line or exactly 85% off passes", async () => {
    const cheap = await pushOrder(deps, {
      lines: [line(100, { amount: 1_000, qty: 1 })],
      discounts: [{ kind: "other", amount: 9_000, name: "改价" }],
    });
    const [hit] = await hits(deps, "deep_discount");
    expect(hit).toMatchObject({ orderNo: cheap, action: "lock", level: "P2" });
    expect(hit!.details).toMatchObject({ discountPct: 90 });
    expect((await order(deps, cheap)).attention).toBe("locked_alert");
    expect(noticesFor(cheap).map((n) => n.to)).toEqual(["ops"]);

    await pushOrder(deps, { lines: [line(100, { amount: 1_000, promo_tag: "双11秒杀" })] });
    await pushOrder(deps, { lines: [line(100, { amount: 1_500 })] });
    expect(await hits(deps, "deep_discount")).toHaveLength(1);
  });
});

describe("the rules an analyst adds next", () => {
  it("payment mismatch: a payment that is not what the order asks for holds the order", async () => {
    const no = await pushOrder(deps, { lines: [line(100)] });
    expect((await api(deps).pay(no, "wx-short", 5_000)).status).toBe(200);
    await settle(deps);
    const [hit] = await hits(deps, "payment_mismatch");
    expect(hit).toMatchObject({ orderNo: no, action: "hold" });
    expect(hit!.details).toEqual({ paid: 5_000, due: 10_000 });
    expect((await order(deps, no)).attention).toBe("held_alert");

    const ok = await pushOrder(deps, { lines: [line(100)] });
    await api(deps).pay(ok, "wx-ok", 10_000);
    await settle(deps);
    expect(await hits(deps, "payment_mismatch")).toHaveLength(1);
  });

  it("amount spike: ≥ 5× the customer's average over at least 3 earlier orders", async () => {
    const buyer = { id: "hist", phone: "13900000010" };
    for (let i = 0; i < 3; i++) {
      await pushOrder(deps, { buyer, lines: [line(100)] });
      deps.clock.advance(2 * 3_600_000);
    }
    await pushOrder(deps, { buyer, lines: [line(450)] });
    expect(await hits(deps, "amount_spike")).toEqual([]);
    deps.clock.advance(3_600_000);
    const big = await pushOrder(deps, { buyer, lines: [line(1000)] });
    const [hit] = await hits(deps, "amount_spike");
    expect(hit?.orderNo).toBe(big);
    // The history average includes the ¥450 order: (100·3 + 450) / 4 = 187.5.
    expect(hit!.details).toMatchObject({ historyOrders: 4, historyAvg: 18_750 });
  });

  it("shared address: three different customers to one address within a day", async () => {
    const to = addr("杭州市", "仓前街道 8 号 3 单元");
    await pushOrder(deps, { buyer: { id: "x1", phone: "13900000021" }, address: to });
    await pushOrder(deps, { buyer: { id: "x2", phone: "13900000022" }, address: to });
    expect(await hits(deps, "shared_address")).toEqual([]);
    const third = await pushOrder(deps, { buyer: { id: "x3", phone: "13900000023" }, address: to });
    const [hit] = await hits(deps, "shared_address");
    expect(hit).toMatchObject({ orderNo: third, action: "notify" });
    expect(hit!.details).toMatchObject({ buyers: 3, orders: 3 });
  });

  it("refund frequency: a customer with 3 after-sales cases in 30 days orders again", async () => {
    const buyer = { id: "ref", phone: "13900000030" };
    const a = api(deps);
    for (let i = 0; i < 3; i++) {
      const no = await pushOrder(deps, { buyer, lines: [line(100)] });
      await a.pay(no, `wx-${no}`, 10_000);
      await settle(deps);
      const opened = await a.call("POST", "/aftersales", {
        order_no: no,
        kind: "refund_only",
        lines: [{ sku: "SKU-1", qty: 1 }],
        reason: "不想要了",
      });
      expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    }
    expect(await hits(deps, "refund_frequency")).toEqual([]);
    const again = await pushOrder(deps, { buyer, lines: [line(100)] });
    const [hit] = await hits(deps, "refund_frequency");
    expect(hit).toMatchObject({ orderNo: again, groupKey: "13900000030" });
    expect(hit!.details).toMatchObject({ cases: 3 });
  });
});

describe("every rule, at most once per order", () => {
  it("does not fire again when the same order's later events arrive", async () => {
    const no = await pushOrder(deps, { lines: [line(700)], address: addr("杭州市", "网吧 2 楼") });
    await pushOrder(deps, {
      order_no: no,
      event_id: "evt-paid",
      status: "paid",
      lines: [line(700)],
      address: addr("杭州市", "网吧 2 楼"),
    });
    expect(await hits(deps, "address_risk")).toHaveLength(1);
  });
});
