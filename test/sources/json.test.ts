import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodyText, idString, parseJson, parseJsonBody } from "../../src/sources/json.ts";
import { ParseError } from "../../src/sources/parse-error.ts";

describe("parseJson", () => {
  it("keeps a 19-digit integer as its exact decimal string", () => {
    const v = parseJson('{"tid":4187652309912345678,"n":1}') as { tid: unknown; n: unknown };
    expect(v.tid).toBe("4187652309912345678");
    expect(v.n).toBe(1);
  });

  it("returns safe integers, floats and exponent numbers as plain numbers", () => {
    expect(parseJson("[9007199254740991, 51.8, 1.5e3, -2, 0.30000000000000004]")).toEqual([
      9007199254740991, 51.8, 1500, -2, 0.30000000000000004,
    ]);
  });

  it("turns the first unsafe integer into a string and a negative one too", () => {
    expect(parseJson("[9007199254740993, -9007199254740993]")).toEqual([
      "9007199254740993",
      "-9007199254740993",
    ]);
  });

  it("keeps a bare top-level big integer exact", () => {
    expect(parseJson(" 7311988123456789012")).toBe("7311988123456789012");
  });

  it("leaves long digit runs inside strings untouched", () => {
    expect(parseJson('{"tid_str":"4187652309912345678","x":1}')).toEqual({
      tid_str: "4187652309912345678",
      x: 1,
    });
  });

  it("keeps the last value of a duplicate key on both parsing paths", () => {
    expect(parseJson('{"a":1,"a":2}')).toEqual({ a: 2 });
    expect(parseJson('{"a":4187652309912345678,"a":2}')).toEqual({ a: 2 });
  });

  it.each([
    ["truncated", '{"tid":4187652309912345678'],
    ["truncated small", '{"a":1'],
    ["trailing comma", '{"a":1,}'],
    ["single quotes", "{'a':1}"],
    ["empty", ""],
    ["garbage", "not json"],
  ])("throws ParseError on %s input", (_name, text) => {
    expect(() => parseJson(text)).toThrow(ParseError);
  });
});

describe("bodyText and parseJsonBody", () => {
  it("rejects an empty or blank body", () => {
    expect(() => bodyText(Buffer.alloc(0))).toThrow(ParseError);
    expect(() => parseJsonBody(Buffer.from(" \n"))).toThrow(/empty body/);
  });

  it("rejects bytes that are not UTF-8", () => {
    expect(() => bodyText(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toThrow(/UTF-8/);
  });

  it("drops a leading byte-order mark", () => {
    expect(parseJsonBody(Buffer.from('\ufeff{"a":1}', "utf8"))).toEqual({ a: 1 });
  });
});

describe("idString", () => {
  it("returns ids as strings whatever their JSON type", () => {
    const v = parseJson(
      '{"big":7301234567890123002,"small":512345678,"s":"261128-503918273645128"}',
    ) as Record<string, unknown>;
    expect(idString(v.big, "big")).toBe("7301234567890123002");
    expect(idString(v.small, "small")).toBe("512345678");
    expect(idString(v.s, "s")).toBe("261128-503918273645128");
  });

  it.each([[null], [undefined], [""], [1.5], [true], [{}], [[]]])(
    "rejects %j with a ParseError naming the path",
    (v) => {
      expect(() => idString(v, "x.id")).toThrow(
        expect.objectContaining({ name: "ParseError", path: "x.id" }),
      );
    },
  );
});

describe("parseJson quoting pass (property)", () => {
  it("keeps every integer exact and leaves strings and other numbers untouched", () => {
    const item = fc.oneof(
      fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }).map((b) => ({
        text: b.toString(),
        want: Number.isSafeInteger(Number(b)) ? Number(b) : b.toString(),
      })),
      fc.string().map((s) => ({ text: JSON.stringify(s), want: s as unknown })),
      fc.stringMatching(/^\d{16,22}$/).map((s) => ({ text: JSON.stringify(s), want: s as unknown })),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => {
        const text = JSON.stringify(d);
        // A double that prints as an integer literal beyond 2^53 is, in the text, such an integer.
        const unsafeInt = /^-?\d+$/.test(text) && !Number.isSafeInteger(d);
        return { text, want: unsafeInt ? text : (JSON.parse(text) as unknown) };
      }),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), (items) => {
        const text = `{"a":[${items.map((i) => i.text).join(" , ")}],"n":12345678901234567890}`;
        expect(parseJson(text)).toEqual({ a: items.map((i) => i.want), n: "12345678901234567890" });
      }),
      { numRuns: 300 },
    );
  });
});
