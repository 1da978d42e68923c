import { describe, expect, it } from "vitest";
import { addDays, dayRange, displayDay, isDay } from "../../src/shared/day.ts";

describe("display days", () => {
  it("cut Asia/Shanghai days at 16:00 UTC", () => {
    expect(dayRange("2026-11-27", "Asia/Shanghai")).toEqual({
      start: Date.parse("2026-11-26T16:00:00Z"),
      end: Date.parse("2026-11-27T16:00:00Z"),
    });
    expect(displayDay(Date.parse("2026-11-27T15:59:59.999Z"), "Asia/Shanghai")).toBe("2026-11-27");
    expect(displayDay(Date.parse("2026-11-27T16:00:00Z"), "Asia/Shanghai")).toBe("2026-11-28");
  });

  it("follow daylight saving where the zone has it (a 23-hour day)", () => {
    const { start, end } = dayRange("2026-03-08", "America/New_York");
    expect(start).toBe(Date.parse("2026-03-08T05:00:00Z"));
    expect(end - start).toBe(23 * 3_600_000);
  });

  it("add across months and years, and know a real date", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2026-11-7")).toBe(false);
  });
});
