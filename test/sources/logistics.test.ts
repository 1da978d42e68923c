import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { adapters } from "../../src/sources/index.ts";
import { ctx, expectParseError, fixture, fixtureJson, parseOne, rawPush } from "./helpers.ts";

const logistics = adapters.logistics;

interface Vector {
  salt: string;
  cases: { fixture: string; param: string; sign: string; form_body: string }[];
  expected_response_body: unknown;
}
const vector = fixtureJson<Vector>("kuaidi100-push-sign-vector.json");
const saltCtx = (over = {}) => ctx({ secret: vector.salt, ...over });
const caseFor = (name: string) => vector.cases.find((c) => c.fixture === name)!;
const formPush = (param: string, salt = vector.salt) => {
  const sign = createHash("md5")
    .update(param + salt)
    .digest("hex")
    .toUpperCase();
  return rawPush(new URLSearchParams({ param, sign }).toString(), {
    "content-type": "application/x-www-form-urlencoded",
  });
};

describe("kuaidi100 push signature", () => {
  it.each(vector.cases)("verifies the vector for $fixture with the salt", ({ form_body }) => {
    expect(logistics.verify(rawPush(form_body), saltCtx())).toEqual({ ok: true });
  });

  it("checks the sign over the decoded param, whatever the form encoding", () => {
    const { param, sign } = vector.cases[0]!;
    const reencoded = `sign=${sign}&param=${encodeURIComponent(param)}`; // %20, not +
    expect(logistics.verify(rawPush(reencoded), saltCtx())).toEqual({ ok: true });
  });

  it("fails when one byte of the param is flipped", () => {
    const { form_body } = vector.cases[2]!;
    const flipped = form_body.replace("%22state%22%3A%223%22", "%22state%22%3A%224%22");
    expect(flipped).not.toBe(form_body);
    expect(logistics.verify(rawPush(flipped), saltCtx())).toEqual({ ok: false, reason: "mismatch" });
  });

  it("fails with another salt or a flipped sign character", () => {
    const { form_body } = vector.cases[0]!;
    expect(logistics.verify(rawPush(form_body), saltCtx({ secret: "other-salt" }))).toEqual({
      ok: false,
      reason: "mismatch",
    });
    const badSign = form_body.replace(/sign=8/, "sign=9");
    expect(logistics.verify(rawPush(badSign), saltCtx())).toEqual({ ok: false, reason: "mismatch" });
  });

  it("reports a missing sign or param, and an unset salt", () => {
    const { param, form_body } = vector.cases[0]!;
    expect(logistics.verify(rawPush(new URLSearchParams({ param }).toString()), saltCtx())).toEqual({
      ok: false,
      reason: "missing",
    });
    expect(logistics.verify(rawPush("sign=ABC"), saltCtx())).toEqual({ ok: false, reason: "missing" });
    expect(logistics.verify(rawPush(form_body), saltCtx({ secret: undefined }))).toEqual({
      ok: false,
      reason: "no_secret",
    });
  });

  it("acknowledges with the body Kuaidi100 expects", () => {
    expect(logistics.ack.status).toBe(200);
    expect(logistics.ack.contentType).toBe("application/json");
    expect(JSON.parse(logistics.ack.body)).toEqual(vector.expected_response_body);
  });
});

describe("kuaidi100 push parsing", () => {
  it("parses 揽收 (state 1): the pickup time is the only node", () => {
    const push = rawPush(caseFor("kuaidi100-push-state_1_collected.json").form_body);
    const e = parseOne(logistics, push);
    expect(e).toEqual({
      source: "logistics",
      kind: "tracking",
      sourceEventId: null,
      orderRef: { waybillNo: "78498765432109" },
      eventTime: 1_795_858_930_000,
      rawStatus: "1",
      fields: { state: "1", ischeck: "0" },
      shipment: {
        waybillNo: "78498765432109",
        carrier: "zhongtong",
        state: "1",
        lastNode: {
          text: "【杭州市】 快件已由 中通快递 杭州西湖文三路网点 揽收，揽收员 李师傅 189****1234",
          at: 1_795_858_930_000,
          area: "杭州市",
        },
        pickedUpAt: 1_795_858_930_000,
      },
    });
    expect(logistics.deliveryKey([e], push)).toBeNull();
  });

  it("parses 在途 (state 0): newest node first, pickup from the 揽收 node", () => {
    const e = parseOne(logistics, rawPush(caseFor("kuaidi100-push-state_0_in_transit.json").form_body));
    expect(e.eventTime).toBe(1_795_983_160_000); // 2026-11-30 04:12:40 +08:00
    expect(e.fields).toEqual({ state: "0", ischeck: "0" });
    expect(e.shipment).toMatchObject({
      lastNode: { text: "【深圳市】 快件已经到达 【深圳中心】", at: 1_795_983_160_000, area: "深圳市" },
      pickedUpAt: 1_795_858_930_000,
    });
    expect(e.shipment?.signedAt).toBeUndefined();
  });

  it("parses 签收 (state 3) with its signed time", () => {
    const e = parseOne(logistics, rawPush(caseFor("kuaidi100-push-state_3_signed.json").form_body));
    expect(e).toMatchObject({
      eventTime: 1_796_007_776_000,
      rawStatus: "3",
      fields: { state: "3", ischeck: "1" },
      shipment: { state: "3", signedAt: 1_796_007_776_000, pickedUpAt: 1_795_858_930_000 },
    });
  });

  it.each([
    ["kuaidi100-push-state_14_rejected.json", "14", 1_796_008_814_000, "拒收"],
    ["kuaidi100-push-state_6_returning.json", "6", 1_796_046_397_000, "已退回"],
  ])("parses %s", (file, state, eventTime, text) => {
    const e = parseOne(logistics, rawPush(caseFor(file).form_body));
    expect(e).toMatchObject({
      eventTime,
      rawStatus: state,
      fields: { state, ischeck: "0" },
      shipment: { state },
    });
    expect(e.shipment?.lastNode?.text).toContain(text);
    expect(e.shipment?.signedAt).toBeUndefined();
  });

  it("matches the decoded fixture files", () => {
    const param = fixture("kuaidi100-push-state_6_returning.json").toString("utf8");
    expect(parseOne(logistics, formPush(param)).eventTime).toBe(1_796_046_397_000);
  });

  it("takes the newest node by time even when the list is out of order", () => {
    const param = JSON.parse(caseFor("kuaidi100-push-state_0_in_transit.json").param);
    param.lastResult.data.reverse();
    expect(parseOne(logistics, formPush(JSON.stringify(param))).eventTime).toBe(1_795_983_160_000);
  });

  it("gives eventTime 0 and no lastNode for a push without nodes", () => {
    const param = JSON.stringify({
      status: "abort",
      message: "3天查询无记录",
      lastResult: {
        message: "ok",
        state: "0",
        ischeck: "0",
        com: "zhongtong",
        nu: "78498765432109",
        data: [],
      },
    });
    const e = parseOne(logistics, formPush(param));
    expect(e.eventTime).toBe(0);
    expect(e.shipment).toEqual({ waybillNo: "78498765432109", carrier: "zhongtong", state: "0" });
  });

  it.each([
    ["a param that is not JSON", '{"lastResult":', "param"],
    ["no lastResult", '{"status":"polling"}', "param.lastResult"],
    ["no waybill number", '{"lastResult":{"state":"0","data":[]}}', "param.lastResult.nu"],
    [
      "a node time in another format",
      '{"lastResult":{"nu":"1","state":"0","data":[{"context":"x","time":"11/30 04:12"}]}}',
      "param.lastResult.data.0.time",
    ],
    [
      "data that is not a list",
      '{"lastResult":{"nu":"1","state":"0","data":"none"}}',
      "param.lastResult.data",
    ],
    ["a state object", '{"lastResult":{"nu":"1","state":{"v":0},"data":[]}}', "param.lastResult.state"],
  ])("rejects a push with %s", (_name, param, path) => {
    expectParseError(logistics, formPush(param), path);
  });

  it("rejects a form without param and an empty body", () => {
    expectParseError(logistics, rawPush("sign=ABC"), "param");
    expectParseError(logistics, rawPush(""));
  });
});
