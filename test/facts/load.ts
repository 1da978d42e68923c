import { expect } from "vitest";
import { driftItems } from "../../src/db/schema/index.ts";
import { handleEvent } from "../../src/inbox/handle-event.ts";
import type { CanonicalEvent } from "../../src/sources/types.ts";
import { api } from "../helpers/api.ts";
import type { TestDeps } from "../helpers/deps.ts";
import { EMPTY_SKU, eventsOf, H, type ModelOrder, SKUS } from "./model.ts";

/** Runs one source event through the same core path a stored webhook push takes. */
export function handle(deps: TestDeps, event: CanonicalEvent) {
  return deps.writer.run((tx) =>
    handleEvent({ tx, rules: deps.rules, settings: deps.settings, now: deps.clock.now() }, event),
  );
}

export async function stockShop(deps: TestDeps) {
  const a = api(deps);
  for (const sku of SKUS) expect((await a.putSku(sku, { on_hand: 100_000 })).status).toBe(200);
  expect((await a.putSku(EMPTY_SKU, { on_hand: 0 })).status).toBe(200);
}

/** What the after-sales API answered for each order's case. */
export interface CaseOutcome {
  refund: number;
  refundShipping: number;
}

/** Opens and decides the model's after-sales cases through the HTTP API, `hours` after opening. */
export async function runAftersales(deps: TestDeps, orders: ModelOrder[]) {
  const a = api(deps);
  const out = new Map<string, CaseOutcome>();
  for (const o of orders) {
    if (!o.aftersale) continue;
    const opened = await a.call("POST", "/aftersales", {
      order_no: o.orderNo,
      kind: o.aftersale.kind,
      lines: [{ line_no: 1, qty: 1 }],
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    deps.clock.advance(o.aftersale.hours * H);
    const decided =
      o.aftersale.decide === "approve"
        ? await a.call("POST", `/aftersales/${opened.body.id}/approve`)
        : await a.call("POST", `/aftersales/${opened.body.id}/reject`, { reason: "不符合" });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const refund = decided.body.refund;
    out.set(o.orderNo, { refund: refund?.total ?? 0, refundShipping: refund?.shipping ?? 0 });
  }
  return out;
}

/** Drift items as the nightly run stores them (carried items keep their first-seen time). */
export async function seedDrift(
  deps: TestDeps,
  items: { orderNo: string; kind: string; firstSeenAt: number; runId: number }[],
) {
  await deps.writer.run(async (tx) => {
    for (const i of items) await tx.insert(driftItems).values({ ...i, detail: "test", anchor: "paid" });
  });
}

export async function loadShop(deps: TestDeps, orders: ModelOrder[]) {
  await stockShop(deps);
  for (const o of orders) for (const e of eventsOf(o)) await handle(deps, e);
  return runAftersales(deps, orders);
}
