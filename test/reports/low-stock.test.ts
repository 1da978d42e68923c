import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lowStockJob } from "../../jobs/low-stock.ts";
import { runJob } from "../../jobs/runner.ts";
import { restockOrders } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";

let deps: TestDeps;
beforeEach(async () => {
  deps = await testDeps();
});
afterEach(async () => deps.close());

/** available = floor(on_hand × 0.95) − reserved; the line is LOW_STOCK_RATIO × safety stock. */
describe("low-stock job", () => {
  it("unlists SKUs below the line with a restock order, and relists them once above it", async () => {
    const a = api(deps);
    // available 19 of safety 50: above 0.3 × 50 = 15, below 0.5 × 50 = 25.
    await a.putSku("SKU-EDGE", { on_hand: 20, safety_stock: 50 });
    await a.putSku("SKU-FINE", { on_hand: 200, safety_stock: 50 });
    await a.putSku("SKU-NOLINE", { on_hand: 1 });
    deps.notifier.sent.length = 0;
    expect((await runJob(deps, lowStockJob)).counts).toEqual({ checked: 3, unlisted: 0, relisted: 0 });

    // LOW_STOCK_RATIO raised (a restart with new config): the job settles what the change left behind.
    deps.settings.lowStockRatio = 0.5;
    expect((await runJob(deps, lowStockJob)).counts).toEqual({ checked: 3, unlisted: 1, relisted: 0 });
    expect((await a.sku("SKU-EDGE")).body).toMatchObject({
      listed: false,
      restock_order: { suggested_qty: 31 },
    });
    expect((await a.sku("SKU-FINE")).body.listed).toBe(true);
    expect(deps.notifier.sent.map((n) => [n.to, n.title])).toEqual([
      ["purchasing", "SKU-EDGE 库存不足已下架"],
    ]);

    expect((await runJob(deps, lowStockJob)).counts).toEqual({ checked: 3, unlisted: 0, relisted: 0 });
    expect(deps.notifier.sent).toHaveLength(1);

    deps.settings.lowStockRatio = 0.3;
    expect((await runJob(deps, lowStockJob)).counts).toEqual({ checked: 3, unlisted: 0, relisted: 1 });
    expect((await a.sku("SKU-EDGE")).body).toMatchObject({ listed: true, restock_order: null });
    const [wo] = await deps.db.select().from(restockOrders).where(eq(restockOrders.sku, "SKU-EDGE"));
    expect(wo).toMatchObject({ status: "closed", closedReason: "restocked above the low-stock line" });
    expect(deps.notifier.sent.at(-1)).toMatchObject({ to: "purchasing", title: "SKU-EDGE 已恢复上架" });
  });
});
