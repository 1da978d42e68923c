import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { alertHits, buyerFreezes, orders } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { settle, type TestDeps } from "../helpers/deps.ts";
import { client, miniappOrder } from "../helpers/push.ts";

let seq = 0;

/** A miniapp order pushed through the real webhook path (signature, inbox, processing). */
export async function pushOrder(deps: TestDeps, over: Record<string, unknown>) {
  const no = (over.order_no as string | undefined) ?? `A-${++seq}`;
  const body = miniappOrder({
    event_id: `evt-${no}`,
    event_time: new Date(deps.clock.now()).toISOString(),
    discounts: [],
    shipping_fee: 0,
    ...over,
    order_no: no,
  });
  const res = await client(deps).own("miniapp", JSON.stringify(body));
  expect(res.status).toBe(200);
  await settle(deps);
  return no;
}

export async function stock(deps: TestDeps, sku = "SKU-1", onHand = 10_000) {
  expect((await api(deps).putSku(sku, { on_hand: onHand })).status).toBe(200);
}

export const hits = (deps: TestDeps, ruleId?: string) =>
  ruleId
    ? deps.db.select().from(alertHits).where(eq(alertHits.ruleId, ruleId)).orderBy(alertHits.id)
    : deps.db.select().from(alertHits).orderBy(alertHits.id);

export async function order(deps: TestDeps, no: string) {
  const [o] = await deps.db.select().from(orders).where(eq(orders.orderNo, no));
  return o!;
}

export const freezes = (deps: TestDeps) => deps.db.select().from(buyerFreezes);

/** A line of `qty` at `unit` yuan each; a price above ¥500 makes the address rule's amount. */
export const line = (unitYuan: number, extra: Record<string, unknown> = {}) => ({
  sku: "SKU-1",
  qty: 1,
  unit_price: unitYuan * 100,
  promo_tag: null,
  ...extra,
});

export const addr = (city: string, detail: string) => ({
  province: "浙江省",
  city,
  district: "西湖区",
  detail,
});
