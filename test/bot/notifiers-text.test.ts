import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitForPlatform } from "../../bot/notifiers/format.ts";
import { splitByBytes } from "../../bot/text.ts";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text the notifiers see: ASCII, CJK, emoji (astral, ZWJ sequences), all Unicode, and line breaks. */
const text = fc
  .array(
    fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 20 }),
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.constantFrom("\n", "订单", "🙂", "👨‍👩‍👧", "é", "a"),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

describe("splitByBytes", () => {
  it("chunks rejoin to the input, each within maxBytes, none empty, no character cut", () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 64 }), (s, max) => {
        const chunks = splitByBytes(s, max);
        expect(chunks.join("")).toBe(s);
        for (const c of chunks) {
          expect(bytes(c)).toBeLessThanOrEqual(max);
          expect(LONE_SURROGATE.test(c)).toBe(false);
          expect(Buffer.from(c, "utf8").toString("utf8")).toBe(c);
        }
        if (s) for (const c of chunks) expect(c.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps text that fits as one chunk", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(splitByBytes(s, Math.max(4, bytes(s)))).toEqual([s]);
      }),
    );
  });

  it("cuts at line breaks when every line fits", () => {
    const line = fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }).filter((l) => !l.includes("\n"));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), (lines) => {
        const s = lines.join("\n");
        const max = Math.max(4, ...lines.map((l) => bytes(l) + 1));
        const chunks = splitByBytes(s, max);
        for (const c of chunks.slice(0, -1)) expect(c.endsWith("\n")).toBe(true);
      }),
    );
  });

  it("refuses a limit too small for a 4-byte character", () => {
    expect(() => splitByBytes("🙂", 3)).toThrow(/at least 4/);
  });
});

describe("splitForPlatform", () => {
  it("numbers the parts in order, each within the platform's limit, losing nothing", () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 24, max: 200 }), (s, max) => {
        const parts = splitForPlatform(s, max);
        for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(max);
        if (parts.length === 1) {
          expect(parts[0]).toBe(s);
          return;
        }
        const bodies = parts.map((p, i) => {
          const mark = `(${i + 1}/${parts.length})\n`;
          expect(p.startsWith(mark)).toBe(true);
          return p.slice(mark.length);
        });
        expect(bodies.join("")).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});
