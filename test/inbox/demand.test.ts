import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";
import { type TestDeps, testDeps } from "../helpers/deps.ts";

let deps: TestDeps;
beforeEach(async () => {
  deps = await testDeps();
});
afterEach(async () => deps.close());

describe("background processing yields to requests", () => {
  it("notes demand on every request, including those that store nothing (a refused order, a look-up)", async () => {
    const http = api(deps);
    expect((await http.putSku("DEM-1", { on_hand: 0 })).status).toBe(200);

    const beforeRefused = performance.now();
    const refused = await http.createOrder("DEM-A", [{ sku: "DEM-1", qty: 1 }]);
    expect(refused.status).toBe(409);
    expect(deps.processor.lastDemandAt).toBeGreaterThanOrEqual(beforeRefused);

    const beforeLookup = performance.now();
    expect((await http.call("GET", "/orders/NOPE")).status).toBe(404);
    expect(deps.processor.lastDemandAt).toBeGreaterThanOrEqual(beforeLookup);
    // Nothing was stored for processing by either.
    expect(deps.processor.backlog).toBe(0);
  });
});
