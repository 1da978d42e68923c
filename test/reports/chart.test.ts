import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CHART_SIZE, paidChartPng, paidChartSvg, shortYuan } from "../../src/reports/chart.ts";

const week = (amounts: number[]) =>
  amounts.map((paidAmount, i) => ({ day: `2026-11-${String(21 + i).padStart(2, "0")}`, paidAmount }));

/** Reads the PNG signature and IHDR chunk the way a decoder would. */
function pngHeader(png: Buffer) {
  const signature = png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return {
    signature,
    firstChunk: png.subarray(12, 16).toString("ascii"),
    width: png.readUInt32BE(16),
    height: png.readUInt32BE(20),
    bitDepth: png.readUInt8(24),
    colorType: png.readUInt8(25),
  };
}

/** The concatenated, inflated IDAT data: the picture itself, whatever the encoder's settings. */
function pixels(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 8;
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString("ascii");
    if (type === "IDAT") parts.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  return inflateSync(Buffer.concat(parts));
}

describe("the 7-day paid-amount chart", () => {
  it("is a valid PNG of the chart's size", () => {
    const png = paidChartPng(week([12_050, 30_000, 0, 4_500, 99_999, 1_200, 60_000]));
    expect(pngHeader(png)).toMatchObject({ signature: true, firstChunk: "IHDR", ...CHART_SIZE });
    expect(png.subarray(-8, -4).toString("ascii")).toBe("IEND");
    expect(pixels(png).length).toBeGreaterThan(CHART_SIZE.width * CHART_SIZE.height);
  });

  it("takes another size when asked", () => {
    const png = paidChartPng(week([1, 2, 3, 4, 5, 6, 7]), { width: 400, height: 200 });
    expect(pngHeader(png)).toMatchObject({ width: 400, height: 200 });
  });

  it("draws different data differently, and the same data the same", () => {
    const a = paidChartPng(week([10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000]));
    const b = paidChartPng(week([70_000, 60_000, 50_000, 40_000, 30_000, 20_000, 10_000]));
    const a2 = paidChartPng(week([10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000]));
    expect(pixels(a).equals(pixels(b))).toBe(false);
    expect(pixels(a).equals(pixels(a2))).toBe(true);
  });

  it("renders a week without any payment", () => {
    const png = paidChartPng(week([0, 0, 0, 0, 0, 0, 0]));
    expect(pngHeader(png)).toMatchObject({ signature: true, ...CHART_SIZE });
  });

  it("labels the days and amounts without CJK text (no font needed for it)", () => {
    const svg = paidChartSvg(week([12_050, 30_000, 0, 4_500, 99_999, 1_200, 6_000_000]));
    for (const label of ["11-21", "11-27", "¥121", "¥1,000", "¥60.0k"]) expect(svg).toContain(label);
    expect(svg).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it("shortens amounts in yuan from cents without losing the sign", () => {
    expect(shortYuan(0)).toBe("¥0");
    expect(shortYuan(123_456)).toBe("¥1,235");
    expect(shortYuan(1_234_567)).toBe("¥12.3k");
    expect(shortYuan(250_000_000)).toBe("¥2.5M");
    expect(shortYuan(-50_000)).toBe("¥-500");
  });
});
