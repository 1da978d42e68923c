import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../src/sources/parse-error.ts";
import {
  chinaTimeToMs,
  flexibleTimeToMs,
  rfc3339ToMs,
  unixMillisToMs,
  unixSecondsToMs,
} from "../../src/sources/time.ts";

describe("chinaTimeToMs", () => {
  it("reads yyyy-MM-dd HH:mm:ss as +08:00", () => {
    // 2026-11-28 09:41:59 in Beijing is 2026-11-28T01:41:59Z.
    expect(chinaTimeToMs("2026-11-28 09:41:59")).toBe(1_795_830_119_000);
    expect(chinaTimeToMs("2026-11-28 09:41:59")).toBe(Date.UTC(2026, 10, 28, 1, 41, 59));
  });

  it("crosses midnight backwards into the previous UTC day", () => {
    expect(chinaTimeToMs("2026-01-01 07:59:59")).toBe(Date.UTC(2025, 11, 31, 23, 59, 59));
  });

  it.each([
    ["2026-02-30 10:00:00"],
    ["2026-13-01 10:00:00"],
    ["2026-11-28 24:00:00"],
    ["2026-11-28 23:59:60"],
    ["2026-11-28T09:41:59"],
    ["2026-11-28 09:41"],
    ["2026/11/28 09:41:59"],
    [" 2026-11-28 09:41:59"],
    [""],
    [1795830119],
    [null],
  ])("rejects %j", (v) => {
    expect(() => chinaTimeToMs(v, "trade.modified")).toThrow(
      expect.objectContaining({ name: "ParseError", path: "trade.modified" }),
    );
  });

  it("round-trips every second of the 21st century", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }),
        (s) => {
          const local = new Date(s * 1000 + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
          return chinaTimeToMs(local) === s * 1000;
        },
      ),
    );
  });
});

describe("unix seconds and milliseconds", () => {
  it("scales seconds and passes milliseconds through", () => {
    expect(unixSecondsToMs(1795831581)).toBe(1_795_831_581_000);
    expect(unixSecondsToMs("1795831581")).toBe(1_795_831_581_000);
    expect(unixMillisToMs(1795832141512)).toBe(1_795_832_141_512);
  });

  it.each([[-1], [1.5], ["abc"], [""], [null], [Number.NaN], [1e13]])("rejects seconds %j", (v) => {
    expect(() => unixSecondsToMs(v)).toThrow(ParseError);
  });

  it.each([[-1], [2.5], ["x"], [1e17]])("rejects milliseconds %j", (v) => {
    expect(() => unixMillisToMs(v)).toThrow(ParseError);
  });
});

describe("rfc3339ToMs", () => {
  it.each([
    ["2026-01-18T10:00:00+08:00", Date.UTC(2026, 0, 18, 2, 0, 0)],
    ["2026-01-18T02:00:00Z", Date.UTC(2026, 0, 18, 2, 0, 0)],
    ["2026-01-18T02:00:00.57Z", Date.UTC(2026, 0, 18, 2, 0, 0, 570)],
    ["2026-01-18T02:00:00.123456z", Date.UTC(2026, 0, 18, 2, 0, 0, 123)],
    ["2026-01-17T21:30:00-04:30", Date.UTC(2026, 0, 18, 2, 0, 0)],
  ])("reads %s", (text, ms) => {
    expect(rfc3339ToMs(text)).toBe(ms);
  });

  it.each([
    ["2026-01-18T10:00:00"],
    ["2026-01-18"],
    ["2026-01-18T10:00:00+8:00"],
    ["2026-02-29T00:00:00Z"],
    ["garbage"],
    [0],
  ])("rejects %j", (v) => {
    expect(() => rfc3339ToMs(v)).toThrow(ParseError);
  });
});

describe("flexibleTimeToMs", () => {
  it("accepts RFC 3339, China local text, seconds and milliseconds", () => {
    const ms = Date.UTC(2026, 10, 28, 8, 31, 47);
    expect(flexibleTimeToMs("2026-11-28T16:31:47+08:00")).toBe(ms);
    expect(flexibleTimeToMs("2026-11-28 16:31:47")).toBe(ms);
    expect(flexibleTimeToMs(ms / 1000)).toBe(ms);
    expect(flexibleTimeToMs(ms)).toBe(ms);
    expect(flexibleTimeToMs(String(ms / 1000))).toBe(ms);
  });

  it("rejects anything else", () => {
    expect(() => flexibleTimeToMs("soon")).toThrow(ParseError);
    expect(() => flexibleTimeToMs(true)).toThrow(ParseError);
  });
});
