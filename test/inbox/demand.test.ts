import { setTimeout as sleep } from "node:timers/promises";
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

  it("holds processing to its share only while requests come fast, not for a slow steady stream", async () => {
    const p = deps.processor;
    // A dashboard polling every 30 ms: a few requests a window, never a burst.
    for (let i = 0; i < 8; i++) {
      p.noteDemand();
      expect(p.inBurst).toBe(false);
      await sleep(30);
    }
    // A sale: requests back to back.
    for (let i = 0; i < 50; i++) p.noteDemand();
    expect(p.inBurst).toBe(true);
    // Once they stop, processing runs flat out again.
    await sleep(150);
    expect(p.inBurst).toBe(false);
  });
});
