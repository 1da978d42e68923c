import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/env.ts";
import { DEFAULT_HEALTH_SETTINGS, parseHealthSettings } from "../../src/health/config.ts";
import { bodyFields, decodePayload, payloadFields } from "../../src/health/payload-fields.ts";
import { fixture } from "../helpers/push.ts";

const paths = (body: string) => [...payloadFields(decodePayload(Buffer.from(body))).keys()];

describe("payload field paths", () => {
  it("names nested fields and array elements with their types", () => {
    const fields = payloadFields({ a: { b: 1, c: [{ d: "x" }, { d: null, e: true }] } });
    expect(Object.fromEntries([...fields].map(([k, v]) => [k, v.type]))).toEqual({
      a: "object",
      "a.b": "number",
      "a.c": "array",
      "a.c[]": "object",
      "a.c[].d": "string",
      "a.c[].e": "boolean",
    });
  });

  it("opens JSON held in a string (Taobao TMC content)", () => {
    expect(paths(fixture("taobao-tmc-trade_create.json"))).toContain(
      "tmc_messages_consume_response.messages.tmc_message[].content<json>.status",
    );
  });

  it("reads XML (Qimen) and forms whose value is JSON (Kuaidi100)", () => {
    expect(paths(fixture("wms-qimen-deliveryorder-confirm.xml")).some((p) => p.startsWith("request."))).toBe(
      true,
    );
    const param = JSON.stringify(JSON.parse(fixture("kuaidi100-push-state_3_signed.json")));
    expect(paths(new URLSearchParams({ param, sign: "ABC" }).toString())).toContain(
      "param<json>.lastResult.nu",
    );
  });

  it("shows a huge field by its start and its size, not whole", () => {
    const [, sample] = [...payloadFields({ big: "x".repeat(2_000_000) })][0]!;
    expect(sample.example.length).toBeLessThan(200);
    expect(sample.example).toMatch(/…\(2000000 字符\)$/);
  });

  it("stays bounded on 100,000-element arrays and 5,000-deep nesting", () => {
    const wide = payloadFields({ list: Array.from({ length: 100_000 }, (_, i) => ({ [`k${i}`]: i })) });
    expect(wide.size).toBeLessThanOrEqual(10);
    const deep = JSON.parse(`${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`);
    expect(payloadFields(deep).size).toBeLessThanOrEqual(12);
  });

  it("gives null for bodies that are not JSON, XML or a form", () => {
    for (const bad of ['{"order_sn": "1', "[1, 2", "", "plain text", "\u0000\u0001\u0002"])
      expect(decodePayload(Buffer.from(bad)), JSON.stringify(bad)).toBeNull();
    expect(decodePayload(Buffer.from([0xff, 0xfe, 0x7b, 0x00]))).toBeNull();
  });

  it("lists every top-level key of any JSON object, and never throws", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => !/[.[<]/.test(k)),
          fc.jsonValue(),
        ),
        (obj) => {
          const fields = payloadFields(JSON.parse(JSON.stringify(obj)));
          for (const k of Object.keys(obj)) expect(fields.has(k)).toBe(true);
        },
      ),
    );
  });
});

describe("HEALTH_THRESHOLDS", () => {
  it("overrides the defaults it names and keeps the others", () => {
    const s = parseHealthSettings("size_growth=80%, latency_p95=2m, silence=10");
    expect(s).toEqual({ ...DEFAULT_HEALTH_SETTINGS, size_growth: 0.8, latency_p95: 120_000, silence: 10 });
  });

  it("refuses unknown settings and bad values at start, naming them", () => {
    expect(() => parseEnv({ HEALTH_THRESHOLDS: "size_growth=lots, silense=3, error_min=1.5" })).toThrow(
      /HEALTH_THRESHOLDS: size_growth expects 0\.5 or 50%, got "lots"[\s\S]*unknown health setting "silense"[\s\S]*error_min expects a whole number/,
    );
  });
});

describe("bodyFields", () => {
  it("reads JSON bodies byte for byte yet keeps Chinese keys and examples intact", () => {
    const body = Buffer.from(
      JSON.stringify({ 地址: { 详情: "浙江省杭州市西湖区文三路 1 号" }, memo: "备".repeat(100) }),
    );
    const fields = bodyFields(body)!;
    expect(fields.get("地址.详情")).toEqual({ type: "string", example: '"浙江省杭州市西湖区文三路 1 号"' });
    // Cut at 120 bytes: 40 whole characters, no half character at the end.
    expect(fields.get("memo")!.example).toBe(`"${"备".repeat(40)}"…(300 字节)`);
  });

  it("gives null for malformed JSON and bodies of no known kind", () => {
    expect(bodyFields(Buffer.from('  {"a": '))).toBeNull();
    expect(bodyFields(Buffer.from("just words"))).toBeNull();
    expect(bodyFields(Buffer.alloc(0))).toBeNull();
  });
});
