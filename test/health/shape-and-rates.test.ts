import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { SECRETS, settle, type TestDeps, testDeps } from "../helpers/deps.ts";
import { client, fixtureJson, miniappOrder } from "../helpers/push.ts";
import { healthNotices, postShopee, shopeeDetail, tick } from "./helpers.ts";

let deps: TestDeps;
afterEach(async () => deps.close());

/** A Shopee order detail with one edit to the order object. */
function edited(
  sn: string,
  edit: (order: Record<string, unknown> & { recipient_address: Record<string, unknown> }) => void,
) {
  const detail = JSON.parse(shopeeDetail(sn, 8_000));
  edit(detail.response.order_list[0]);
  return JSON.stringify(detail);
}

describe("learned shape", () => {
  it("reports a field whose type changed and one that stopped arriving, with the inbox row to look at", async () => {
    deps = await testDeps({ HEALTH_THRESHOLDS: "shape_min_samples=3, shape_missing_streak=2" });
    const api = client(deps);
    for (let i = 0; i < 4; i++) await postShopee(deps, api, shopeeDetail(`SHAPE${i}`, 8_000));
    await tick(deps);
    expect(healthNotices(deps)).toEqual([]);

    const retyped = await postShopee(
      deps,
      api,
      edited("SHAPE-T", (o) => {
        o.recipient_address.zipcode = 51200;
      }),
    );
    await settle(deps);
    const typeNotice = healthNotices(deps).at(-1);
    expect(typeNotice?.title).toBe("接口健康:shopee 字段类型变化");
    expect(typeNotice?.text).toContain(
      `order_detail 的 response.order_list[].recipient_address.zipcode(string → number|string),变化见于 inbox #${retyped.headers.get("x-inbox-id")},示例 51200`,
    );

    for (const sn of ["SHAPE-M1", "SHAPE-M2"])
      await postShopee(
        deps,
        api,
        edited(sn, (o) => void delete o.checkout_shipping_carrier),
      );
    await tick(deps);
    const missing = healthNotices(deps).find((n) => n.title.includes("字段消失"));
    expect(missing?.text).toContain(
      `order_detail 的 response.order_list[].checkout_shipping_carrier(string,已连续 2 个推送没有),最后见于 inbox #${retyped.headers.get("x-inbox-id")}`,
    );
  });
});

describe("error, duplicate and status rates", () => {
  it("warns about processing (mapping) failures as soon as they pass the minimum", async () => {
    deps = await testDeps();
    const api = client(deps);
    // Carrier pushes for waybills no order carries: each fails processing.
    for (const name of ["state_1_collected", "state_0_in_transit", "state_3_signed"]) {
      const param = JSON.stringify(fixtureJson(`kuaidi100-push-${name}.json`));
      const sign = createHash("md5")
        .update(param + SECRETS.SOURCE_SECRET_LOGISTICS)
        .digest("hex")
        .toUpperCase();
      await api.raw("/webhooks/logistics", {
        method: "POST",
        body: new URLSearchParams({ param, sign }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      await settle(deps);
    }
    const [notice] = healthNotices(deps);
    expect(notice?.title).toBe("接口健康:logistics 处理(映射)失败率");
    expect(notice?.text).toMatch(/处理失败 3\/3\(100%\)/);
  });

  it("warns about unparseable pushes, and about redeliveries only when they dominate", async () => {
    deps = await testDeps();
    const api = client(deps);
    const body = JSON.stringify(miniappOrder());
    for (let i = 0; i < 4; i++) await api.own("miniapp", body);
    for (let i = 0; i < 3; i++) await api.own("payment", `{"order_no": "M1", "amount": ${i}`);
    await tick(deps);
    const titles = healthNotices(deps).map((n) => n.title);
    expect(titles).toContain("接口健康:payment 解析失败率");
    expect(titles).toContain("接口健康:miniapp 重复推送占比");
    expect(healthNotices(deps).find((n) => n.title.includes("miniapp"))?.text).toMatch(
      /重复推送 3\/4\(75%\)/,
    );
  });

  it("warns when a source's statuses are ones no anchor rule knows", async () => {
    deps = await testDeps();
    const api = client(deps);
    for (let i = 0; i < 3; i++)
      await postShopee(
        deps,
        api,
        edited(`MYSTERY${i}`, (o) => {
          o.order_status = "AWAITING_MYSTERY";
        }),
      );
    await tick(deps);
    expect(healthNotices(deps).map((n) => n.title)).toEqual(["接口健康:shopee 未知状态占比"]);
  });
});
