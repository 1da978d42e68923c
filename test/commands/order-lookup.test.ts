import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Card } from "../../bot/card.ts";
import { auditLog } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { chat } from "../helpers/chat.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client } from "../helpers/push.ts";

let deps: TestDeps;
let c: ReturnType<typeof chat>;
const WAYBILL = "78498765432109";

/** A miniapp order that was paid, shipped by the warehouse (with a packing video) and picked up. */
async function shippedOrder() {
  const a = api(deps);
  const push = client(deps);
  await a.putSku("SKU-1", { on_hand: 100, safety_stock: 10, cost: 2000 });
  expect((await a.createOrder("M20260118001", [{ sku: "SKU-1", qty: 2, unit_price: 5000 }])).status).toBe(
    201,
  );
  expect((await a.pay("M20260118001", "wx-1", 10800)).status).toBe(200);
  const wms = await push.own(
    "wms",
    JSON.stringify({
      order_no: "M20260118001",
      event_id: "wms-1",
      event_time: "2026-11-28T11:00:00+08:00",
      packaged_time: 1795827600,
      logistics_no: WAYBILL,
      carrier: "zhongtong",
      outbound_time: 1795831200,
      packing_media_url: "https://media.example.com/pack/M20260118001.mp4",
    }),
  );
  expect(wms.status).toBe(200);
  await settle(deps);
  expect((await push.kuaidi("kuaidi100-push-state_0_in_transit.json", WAYBILL)).status).toBe(200);
  await settle(deps);
}

const cardOf = (o: { replies: { kind: string }[] }) =>
  (o.replies.find((r) => r.kind === "card") as { card: Card } | undefined)?.card;

beforeEach(async () => {
  deps = await testDeps();
  c = chat(deps);
  await c.addUsers({
    agent1: "agent",
    sup1: "supervisor",
    sup2: "supervisor",
    wh1: "warehouse",
    admin1: "admin",
  });
});
afterEach(async () => deps.close());

describe("查单", () => {
  it("shows the anchor, logistics with ETA, lines, amounts, timeline and a filled suggested reply", async () => {
    await shippedOrder();
    const out = await c.sayText("agent1", "查单 M20260118001");
    expect(out).toContain("订单 M20260118001 · 运输中");
    expect(out).toContain(`zhongtong ${WAYBILL}`);
    expect(out).toContain("深圳中心");
    expect(out).toMatch(/预计送达:约 \d\d-\d\d \d\d:\d\d/);
    expect(out).toContain("SKU-1 ×2 ¥100.00");
    expect(out).toContain("实付 ¥108.00");
    expect(out).toContain("时间线");
    expect(out).toMatch(/wms .*→ 仓库已发出/);
    expect(out).toContain("建议回复:亲,您的包裹正在运输中");
    expect(out).not.toContain("{物流}");
  });

  it("finds the order by phone and by waybill, forgiving full-width digits and extra spaces", async () => {
    await shippedOrder();
    for (const q of [
      "查单　１３８００００００００",
      "order   78498765432109",
      "查单M20260118001",
      "ORDER m20260118001",
    ]) {
      const o = await c.say("agent1", q);
      if (q.startsWith("ORDER")) {
        expect(o.replies[0]).toMatchObject({ kind: "text" });
        continue; // order numbers are case-sensitive: a clear not-found, not a crash
      }
      expect(cardOf(o)?.subject, q).toBe("M20260118001");
    }
  });

  it("masks the buyer's phone and address for agents, offers a call button and the packing video", async () => {
    await shippedOrder();
    const agentCard = cardOf(await c.say("agent1", "查单 M20260118001"));
    const text = JSON.stringify(agentCard?.fields);
    expect(text).toContain("138****0000");
    expect(text).not.toContain("13800000000");
    expect(text).not.toContain("文三路");
    expect(agentCard?.buttons).toContainEqual({ text: "拨打买家", url: "tel:13800000000" });
    expect(agentCard?.buttons).toContainEqual({
      text: "打包视频",
      url: "https://media.example.com/pack/M20260118001.mp4",
    });
    const whCard = cardOf(await c.say("wh1", "查单 M20260118001"));
    expect(JSON.stringify(whCard?.fields)).toContain("文三路1号");
  });

  it("answers an unknown number with a not-found that says what to type", async () => {
    const out = await c.sayText("agent1", "查单 NOPE-1");
    expect(out).toContain("没有找到");
    expect(out).toContain("查单 <订单号|手机号|运单号>");
  });

  it("explains the anchor with 为什么 and from the card's button", async () => {
    await shippedOrder();
    const byCommand = await c.sayText("agent1", "为什么 M20260118001");
    expect(byCommand).toContain("运输中");
    expect(byCommand).toMatch(/wms .*规则 wms\./);
    const card = cardOf(await c.say("agent1", "查单 M20260118001")) as Card;
    const why = card.buttons.find((b) => b.text === "为什么");
    const clicked = await c.click("agent1", card.id, why?.action as { id: string; payload: string });
    expect(clicked.replies[0]).toMatchObject({ kind: "text" });
    expect((clicked.replies[0] as { text: string }).text).toBe(byCommand);
  });

  it("tracks the parcel with 物流", async () => {
    await shippedOrder();
    const out = await c.sayText("agent1", "track 78498765432109");
    expect(out).toContain("深圳市");
    expect(out).toContain("预计送达");
  });
});

describe("库存", () => {
  it("shows one SKU and the stock-level board with unlisted SKUs marked", async () => {
    const a = api(deps);
    await a.putSku("SKU-A", { on_hand: 100, safety_stock: 10 });
    await a.putSku("SKU-B", { on_hand: 12, safety_stock: 10 });
    await a.putSku("SKU-C", { on_hand: 2, safety_stock: 10 });
    await settle(deps);
    const one = await c.sayText("agent1", "库存 SKU-B");
    expect(one).toContain("在库 12");
    expect(one).toContain("可售 11");
    const board = await c.sayText("agent1", "库存 水位");
    const order = ["SKU-C", "SKU-B", "SKU-A"].map((s) => board.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(board).toMatch(/⛔已下架 SKU-C/);
  });
});

describe("话术", () => {
  it("lets a supervisor add a standard reply, refuses an agent, and audits the change", async () => {
    const refused = await c.sayText("agent1", "话术 添加 催发货 马上发");
    expect(refused).toContain("需要角色");
    expect(refused).toContain("supervisor");
    const ok = await c.sayText("sup1", "话术 添加 运输中 亲,包裹在路上啦:{物流}");
    expect(ok).toContain("已修改");
    await shippedOrder();
    expect(await c.sayText("agent1", "查单 M20260118001")).toContain("建议回复:亲,包裹在路上啦:zhongtong");
    const rows = await deps.db.select().from(auditLog);
    expect(rows.map((r) => [r.userId, r.action])).toEqual([
      ["agent1", "refused"],
      ["sup1", "kb.upsert"],
    ]);
    expect(await c.sayText("agent1", "话术 什么时候催发货啊")).toContain("【催发货】");
  });
});

describe("help, roles and users", () => {
  it("answers unknown input with help instead of silence", async () => {
    const out = await c.sayText("agent1", "你好呀");
    expect(out).toContain("没有「你好呀」这个命令");
    expect(out).toContain("查单 <订单号|手机号|运单号>");
    expect(out).not.toContain("用户(users)"); // help lists only what the role may run
  });

  it("tells an unmapped user how to get added, and an admin can add them", async () => {
    const before = await c.sayText("stranger", "查单 M1");
    expect(before).toContain("还没有开通");
    expect(before).toContain("用户 添加 wecom stranger agent");
    expect(await c.sayText("agent1", "用户 添加 wecom stranger agent")).toContain("需要角色 管理员(admin)");
    expect(await c.sayText("admin1", "用户 添加 wecom stranger agent 李四")).toContain("客服(agent)");
    expect(await c.sayText("stranger", "查单 M1")).toContain("没有找到");
    expect(await c.sayText("admin1", "用户")).toContain("wecom stranger 李四:客服(agent)");
  });

  it("never crashes and always answers, whatever is typed (fuzz)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string({ unit: "binary" }),
          fc.constantFrom("查单", "库存", "话术", "用户", "审批", "物流", "为什么").chain((cmd) =>
            fc
              .array(fc.oneof(fc.string(), fc.constantFrom(" ", "　", "１", "%", "'", "\\", "\n")), {
                maxLength: 6,
              })
              .map((parts) => `${cmd}${parts.join("")}`),
          ),
        ),
        async (input) => {
          const o = await c.say("admin1", input);
          expect(o.replies.length).toBeGreaterThan(0);
          for (const r of o.replies) if (r.kind === "text") expect(r.text.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
