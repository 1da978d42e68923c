import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fenToCents, formatYuan, majorToMinor, yuanToCents } from "../../src/sources/money.ts";
import { ParseError } from "../../src/sources/parse-error.ts";

describe("yuanToCents", () => {
  it.each([
    ["158.00", 15800],
    ["59.90", 5990],
    ["0.00", 0],
    ["8", 800],
    ["0.5", 50],
    ["200.070", 20007],
    [51.8, 5180],
    [109.8, 10980],
    [26.9, 2690],
    [0.29, 29],
    [1.1, 110],
    [8, 800],
    [-0, 0],
    [1.5e3, 150000],
    ["1.5e3", 150000],
    ["158e-2", 158],
  ])("converts %j to %d cents", (input, cents) => {
    expect(yuanToCents(input)).toBe(cents);
  });

  it("forgives float noise past the cent but nothing else", () => {
    expect(yuanToCents(0.1 + 0.2)).toBe(30);
    expect(yuanToCents(0.7 + 0.1)).toBe(80); // 0.7999999999999999
    expect(yuanToCents(29.9 * 3)).toBe(8970); // 89.69999999999999
  });

  it.each([
    ["12.345"],
    [12.345],
    ["-1.00"],
    [-0.01],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    ["abc"],
    [""],
    [" 1.00"],
    ["1,000.00"],
    ["0x10"],
    [".5"],
    [null],
    [undefined],
    [true],
    [{}],
    [1e-7],
    [1e21],
    ["1e999999999"],
    ["9".repeat(80)],
  ])("rejects %j with a ParseError", (input) => {
    expect(() => yuanToCents(input, "x.fee")).toThrow(ParseError);
  });

  it("names the offending field", () => {
    expect(() => yuanToCents("1.234", "trade.payment")).toThrow(
      expect.objectContaining({ path: "trade.payment", message: expect.stringMatching(/sub-cent/) }),
    );
  });
});

describe("majorToMinor", () => {
  it("uses the currency's minor unit", () => {
    expect(majorToMinor(109.8, "MYR")).toBe(10980);
    expect(majorToMinor(4.9, "SGD")).toBe(490);
    expect(majorToMinor(150000, "VND")).toBe(150000);
    expect(majorToMinor(1.234, "KWD")).toBe(1234);
  });

  it("rejects fractions a zero-decimal currency cannot hold", () => {
    expect(() => majorToMinor(1500.5, "JPY")).toThrow(ParseError);
  });
});

describe("fenToCents", () => {
  it("passes integer fen through", () => {
    expect(fenToCents(15800)).toBe(15800);
    expect(fenToCents("2690")).toBe(2690);
  });

  it.each([[19.9], [-1], ["19.90"], ["9007199254740993"], [null], [Number.NaN]])("rejects %j", (v) => {
    expect(() => fenToCents(v)).toThrow(ParseError);
  });
});

describe("money properties", () => {
  const cents = fc.integer({ min: 0, max: 1_000_000_000_000 });

  it("round-trips any cents through a yuan string", () => {
    fc.assert(fc.property(cents, (c) => yuanToCents(formatYuan(c)) === c));
  });

  it("converts any float with at most two decimals exactly", () => {
    fc.assert(fc.property(cents, (c) => yuanToCents(c / 100) === c));
  });

  it("converts any float sum of two-decimal prices to the exact cent total", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 20 }),
        (parts) => {
          const floatSum = parts.reduce((s, c) => s + c / 100, 0);
          return yuanToCents(floatSum) === parts.reduce((s, c) => s + c, 0);
        },
      ),
    );
  });

  it("rejects any yuan string with a non-zero third decimal", () => {
    fc.assert(
      fc.property(cents, fc.integer({ min: 1, max: 9 }), (c, extra) => {
        expect(() => yuanToCents(`${formatYuan(c)}${extra}`)).toThrow(ParseError);
      }),
    );
  });

  it("formats cents as a two-decimal yuan string", () => {
    expect(formatYuan(15800)).toBe("158.00");
    expect(formatYuan(5)).toBe("0.05");
    expect(formatYuan(0)).toBe("0.00");
  });
});
