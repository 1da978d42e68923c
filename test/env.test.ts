import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "../src/env.ts";

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    const c = parseEnv({});
    expect(c.PORT).toBe(8787);
    expect(c.DATABASE_URL).toBe("file:./data/anchor.db");
    expect(c.RESERVE_RATIO).toBe(0.95);
    expect(c.PAYMENT_TIMEOUT).toBe(15 * 60_000);
    expect(c.AFTERSALE_SLA).toBe(72 * 3_600_000);
    expect(c.BODY_LIMIT).toBe(16 * 1024 * 1024);
    expect(c.WECOM_MAX_SKEW).toBe(300);
  });

  it("names every bad variable in one error", () => {
    try {
      parseEnv({ PORT: "eighty", PAYMENT_TIMEOUT: "soon", RESERVE_RATIO: "1.5", DATABASE_URL: "mysql://x" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      for (const v of ["PORT", "PAYMENT_TIMEOUT", "RESERVE_RATIO", "DATABASE_URL"]) expect(msg).toContain(v);
    }
  });

  it("collects per-source secrets", () => {
    const c = parseEnv({ SOURCE_SECRET_MINIAPP: "s1", SOURCE_SECRET_SHOPEE: "s2" });
    expect(c.sourceSecrets).toEqual({ miniapp: "s1", shopee: "s2" });
  });

  it("reads sizes and durations in people's units", () => {
    const c = parseEnv({ BODY_LIMIT: "2mb", PAYMENT_TIMEOUT: "90s" });
    expect(c.BODY_LIMIT).toBe(2 * 1024 * 1024);
    expect(c.PAYMENT_TIMEOUT).toBe(90_000);
  });
});
