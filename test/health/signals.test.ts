import { afterEach, describe, expect, it } from "vitest";
import { settle, T0, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client, miniappOrder } from "../helpers/push.ts";
import { healthNotices, postShopee, shopeeDetail, tick } from "./helpers.ts";

let deps: TestDeps;
afterEach(async () => deps.close());

const MIN = 60_000;
const HOUR = 60 * MIN;

describe("silence", () => {
  it("warns when a source that usually pushes twice an hour goes quiet, within its window, and resolves when it speaks", async () => {
    deps = await testDeps();
    const api = client(deps);
    // Two days of a push every 30 minutes: the usual rate is 2 an hour.
    deps.clock.set(T0 - 48 * HOUR);
    for (let i = 0; i < 96; i++) {
      const res = await api.own(
        "miniapp",
        JSON.stringify(miniappOrder({ order_no: `S${i}`, event_id: `s-${i}` })),
      );
      expect(res.status).toBe(200);
      await settle(deps);
      deps.clock.advance(30 * MIN);
    }
    await tick(deps);
    expect(healthNotices(deps)).toEqual([]);

    // Then nothing. With the default threshold (5 events due) silence is due after 2.5 hours.
    const quietSince = deps.clock.now() - 30 * MIN;
    let raisedAt: number | null = null;
    for (let t = 0; t < 4 * HOUR && raisedAt === null; t += 15 * MIN) {
      deps.clock.advance(15 * MIN);
      await tick(deps);
      if (healthNotices(deps).some((n) => n.title.includes("静默"))) raisedAt = deps.clock.now();
    }
    expect(raisedAt).not.toBeNull();
    expect(raisedAt! - quietSince).toBeGreaterThanOrEqual(2.5 * HOUR);
    expect(raisedAt! - quietSince).toBeLessThan(2.5 * HOUR + 15 * MIN);
    const [warning] = healthNotices(deps);
    expect(warning).toMatchObject({ to: "integration", severity: "P1" });
    expect(warning!.text).toMatch(/按平常每小时 2\.0 个/);

    // Further ticks while still silent do not repeat it.
    for (let i = 0; i < 3; i++) {
      deps.clock.advance(5 * MIN);
      await tick(deps);
    }
    expect(healthNotices(deps)).toHaveLength(1);

    // The source speaks again: one resolve message.
    await api.own("miniapp", JSON.stringify(miniappOrder({ order_no: "S-back", event_id: "s-back" })));
    await tick(deps);
    const notices = healthNotices(deps);
    expect(notices).toHaveLength(2);
    expect(notices[1]!.title).toMatch(/miniapp 已恢复.*静默/);
  }, 60_000);

  it("does not judge silence before a source has a usual rate", async () => {
    deps = await testDeps();
    const api = client(deps);
    for (let i = 0; i < 5; i++) {
      await api.own("miniapp", JSON.stringify(miniappOrder({ order_no: `F${i}`, event_id: `f-${i}` })));
      await settle(deps);
      deps.clock.advance(30 * MIN);
    }
    deps.clock.advance(24 * HOUR);
    await tick(deps);
    expect(healthNotices(deps)).toEqual([]);
  });
});

describe("a flood of signature failures", () => {
  it("raises one alert, not one per push, and one resolve message once the window is clean", async () => {
    deps = await testDeps();
    const api = client(deps);
    for (let i = 0; i < 5; i++) {
      expect((await postShopee(deps, api, shopeeDetail(`SIGOK${i}`, 8_000))).status).toBe(200);
      await settle(deps);
      deps.clock.advance(MIN);
    }
    await tick(deps);
    expect(healthNotices(deps)).toEqual([]);

    // A rotated partner key: 120 pushes refused, some in parallel, some one after another.
    const bad = () => postShopee(deps, api, shopeeDetail(`SIGBAD${Math.random()}`, 8_000), false);
    const parallel = await Promise.all(Array.from({ length: 60 }, bad));
    for (let i = 0; i < 60; i++) expect((await bad()).status).toBe(401);
    expect(parallel.every((r) => r.status === 401)).toBe(true);
    await settle(deps);

    // Checked at once (no job tick yet), and told once.
    let notices = healthNotices(deps);
    expect(notices.map((n) => n.title)).toEqual(["接口健康:shopee 签名失败率"]);
    expect(notices[0]).toMatchObject({ severity: "P1" });
    const [, failed] = /签名失败 (\d+)\/\d+/.exec(notices[0]!.text) ?? [];
    expect(Number(failed)).toBeGreaterThanOrEqual(3);

    for (let i = 0; i < 5; i++) {
      deps.clock.advance(MIN);
      await tick(deps);
    }
    expect(healthNotices(deps)).toHaveLength(1);

    // An hour later the window holds good pushes only.
    deps.clock.advance(HOUR);
    expect((await postShopee(deps, api, shopeeDetail("SIGOK-after", 8_000))).status).toBe(200);
    await tick(deps);
    notices = healthNotices(deps);
    expect(notices).toHaveLength(2);
    expect(notices[1]!.title).toBe("接口健康:shopee 已恢复 签名失败率");
  }, 60_000);
});
