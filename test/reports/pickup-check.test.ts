import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pickupCheckJob } from "../../jobs/pickup-check.ts";
import { runJob } from "../../jobs/runner.ts";
import { alertHits } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { settle, T0, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client } from "../helpers/push.ts";

let deps: TestDeps;
const HOUR = 3_600_000;
const sec = (ms: number) => Math.floor(ms / 1000);

/** A paid order the warehouse shipped `hoursAgo` before T0 (WMS outbound push, event time decides). */
async function shipped(orderNo: string, hoursAgo: number) {
  const a = api(deps);
  const out = T0 - hoursAgo * HOUR;
  deps.clock.set(out - HOUR);
  await a.putSku("SKU-1", { on_hand: 1000 });
  expect((await a.createOrder(orderNo, [{ sku: "SKU-1", qty: 1, unit_price: 5000 }])).status).toBe(201);
  await settle(deps);
  expect((await a.pay(orderNo, `wx-${orderNo}`, 5800)).status).toBe(200);
  await settle(deps);
  deps.clock.set(out);
  const res = await client(deps).own(
    "wms",
    JSON.stringify({
      order_no: orderNo,
      event_id: `wms-${orderNo}`,
      event_time: new Date(out).toISOString(),
      warehouse_code: "HZXS01",
      packaged_time: sec(out) - 600,
      logistics_no: `YT${orderNo}`,
      carrier: "YTO",
      outbound_time: sec(out),
    }),
  );
  expect(res.status).toBe(200);
  await settle(deps);
}

async function pickedUp(orderNo: string) {
  expect((await client(deps).kuaidi("kuaidi100-push-state_1_collected.json", `YT${orderNo}`)).status).toBe(
    200,
  );
  await settle(deps);
}

beforeEach(async () => {
  deps = await testDeps();
});
afterEach(async () => deps.close());

describe("pickup-check job", () => {
  it("finds exactly the shipments out for more than 48 h without a carrier pickup", async () => {
    await shipped("S-OLD", 72); // stale
    await shipped("S-49H", 49); // stale
    await shipped("S-PICKED", 72); // a carrier collected it
    await pickedUp("S-PICKED");
    await shipped("S-48H", 48); // exactly 48 h: not yet "more than"
    await shipped("S-NEW", 2);
    deps.clock.set(T0);
    deps.notifier.sent.length = 0;

    const run = await runJob(deps, pickupCheckJob);
    expect(run.counts).toEqual({ overdue: 2, new: 2, notified: 2 });
    expect(deps.notifier.sent.map((n) => [n.to, n.severity])).toEqual([
      ["warehouse", "P2"],
      ["cs_lead", "P2"],
    ]);
    const text = deps.notifier.sent[0]!.text;
    expect(text).toMatch(/S-OLD[\s\S]*S-49H/);
    expect(text).toContain("运单 YTS-OLD(YTO)");
    expect(text).toContain("已 72 小时");
    for (const no of ["S-PICKED", "S-48H", "S-NEW"]) expect(text).not.toContain(no);
    const raised = (await deps.db.select().from(alertHits).where(eq(alertHits.ruleId, "pickup_overdue"))).map(
      (h) => ({ ...h, severity: h.level }),
    );
    expect(raised.map((a) => [a.orderNo, a.severity, a.status]).sort()).toEqual([
      ["S-49H", "P2", "open"],
      ["S-OLD", "P2", "open"],
    ]);
  });

  it("tells people once per shipment, and again only when another one becomes overdue", async () => {
    await shipped("S-1", 50);
    await shipped("S-2", 47);
    deps.clock.set(T0);
    deps.notifier.sent.length = 0;
    expect((await runJob(deps, pickupCheckJob)).counts).toEqual({ overdue: 1, new: 1, notified: 2 });

    deps.clock.advance(HOUR / 2);
    expect((await runJob(deps, pickupCheckJob)).counts).toEqual({ overdue: 1, new: 0, notified: 0 });
    expect(deps.notifier.sent).toHaveLength(2);

    deps.clock.advance(HOUR);
    expect((await runJob(deps, pickupCheckJob)).counts).toEqual({ overdue: 2, new: 1, notified: 2 });
    const last = deps.notifier.sent.at(-1)!.text;
    expect(last).toContain("🆕 S-2");
    expect(last).toContain("- S-1");
  });

  it("lists the first 20 and counts the rest", async () => {
    for (let i = 0; i < 22; i++) await shipped(`S-${String(i).padStart(2, "0")}`, 60 - i / 10);
    deps.clock.set(T0);
    deps.notifier.sent.length = 0;
    expect((await runJob(deps, pickupCheckJob)).counts).toMatchObject({ overdue: 22, new: 22 });
    const text = deps.notifier.sent[0]!.text;
    expect(text).toContain("S-19");
    expect(text).not.toContain("S-20");
    expect(text).toContain("另有 2 单,共 22 单");
  });
});
