import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lookupOrder } from "../../src/orders/index.ts";
import { api } from "../helpers/api.ts";
import { settle, type TestDeps, testDeps } from "../helpers/deps.ts";

let deps: TestDeps;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "anchorbot-hot-"));
  deps = await testDeps({ DATABASE_URL: `file:${join(dir, "anchor.db")}` });
});
afterEach(async () => {
  await deps.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the prepared-statement look-up on an embedded file", () => {
  it("answers exactly what the regular read path answers, and sees new writes", async () => {
    expect(deps.database.hot).not.toBeNull();
    const a = api(deps);
    await a.putSku("SKU-1", { on_hand: 100 });
    for (const [no, phone] of [
      ["O1", "13800000001"],
      ["O2", "13800000001"],
      ["O3", "13900000003"],
    ] as const) {
      await a.createOrder(no, [{ sku: "SKU-1", qty: 1 }], { buyer: { id: no, phone } });
    }
    await settle(deps);
    for (const query of ["O1", "O3", "13800000001", "+86 139-0000-0003"]) {
      const hot = await lookupOrder({ db: deps.db, hot: deps.database.hot, query });
      const plain = await lookupOrder({ db: deps.db, query });
      expect(hot, query).toEqual(plain);
    }
    const byPhone = await lookupOrder({ db: deps.db, hot: deps.database.hot, query: "13800000001" });
    expect(byPhone.kind).toBe("phone");
    expect([byPhone.order.orderNo, ...byPhone.others].sort()).toEqual(["O1", "O2"]);
    await expect(lookupOrder({ db: deps.db, hot: deps.database.hot, query: "O9" })).rejects.toMatchObject({
      code: "not_found",
    });
    // A write committed after the statement was prepared is visible to it.
    await a.createOrder("O9", [{ sku: "SKU-1", qty: 1 }]);
    await settle(deps);
    expect((await lookupOrder({ db: deps.db, hot: deps.database.hot, query: "O9" })).order.orderNo).toBe(
      "O9",
    );
  });
});
