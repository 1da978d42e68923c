import { describe, expect, it } from "vitest";
import { adapters, getAdapter, ParseError, SOURCE_NAMES } from "../../src/sources/index.ts";
import { ownPush, rawPush } from "./helpers.ts";

describe("adapter registry", () => {
  it("has one adapter per source name, each named for its key", () => {
    expect(Object.keys(adapters).sort()).toEqual([...SOURCE_NAMES].sort());
    for (const name of SOURCE_NAMES) expect(adapters[name].name).toBe(name);
  });

  it("finds adapters by route name and nothing else", () => {
    expect(getAdapter("shopee")).toBe(adapters.shopee);
    expect(getAdapter("wechatpay")).toBe(adapters.wechatpay);
    expect(getAdapter("alipay")).toBeUndefined();
    expect(getAdapter("constructor")).toBeUndefined();
    expect(getAdapter("__proto__")).toBeUndefined();
  });

  it("answers JSON ok for sources without a platform-specific ack", () => {
    for (const name of ["taobao", "pdd", "miniapp", "wms", "payment"] as const) {
      expect(adapters[name].ack).toEqual({
        status: 200,
        contentType: "application/json",
        body: '{"ok":true}',
      });
    }
  });
});

/** Hostile bodies every parser must refuse with a ParseError, never a TypeError or a silent []. */
const MALFORMED: [string, string | Buffer][] = [
  ["an empty body", ""],
  ["whitespace only", "  \n\t"],
  ["truncated JSON", '{"order_no":"M1","lines":[{"sku":'],
  ["truncated JSON with a big number", '{"id":7301234567890123002,"topic":'],
  ["a JSON string", '"hello"'],
  ["a JSON number", "42"],
  ["JSON null", "null"],
  ["a JSON array", "[]"],
  ["an empty object", "{}"],
  ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
  ["XML garbage", "<request><deliveryOrder><deliveryOrderCode>X</deliveryOrder>"],
  ["binary noise", Buffer.from([0x00, 0x01, 0x02, 0xff])],
];

describe.each(SOURCE_NAMES)("%s parser on malformed input", (name) => {
  it.each(MALFORMED)("throws ParseError on %s", (_label, body) => {
    const push = name === "logistics" ? rawPush(body) : ownPush(body);
    expect(() => adapters[name].parse(push)).toThrow(ParseError);
  });
});
