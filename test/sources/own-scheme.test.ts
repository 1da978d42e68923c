import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { adapters, signOwn, verifyOwn } from "../../src/sources/index.ts";
import { ctx, NOW_SEC, ownPush, rawPush, SECRET } from "./helpers.ts";

const BODY = '{"order_no":"M1","payment_id":"P1","amount":100}';

describe("own signature scheme", () => {
  it("signs timestamp + '.' + raw body with HMAC-SHA256", () => {
    const expected = createHmac("sha256", SECRET).update(`${NOW_SEC}.${BODY}`).digest("hex");
    expect(signOwn(SECRET, NOW_SEC, BODY)).toEqual({
      "x-anchor-timestamp": String(NOW_SEC),
      "x-anchor-signature": `sha256=${expected}`,
    });
    expect(signOwn(SECRET, NOW_SEC, Buffer.from(BODY))).toEqual(signOwn(SECRET, NOW_SEC, BODY));
  });

  it("accepts a good signature", () => {
    expect(verifyOwn(ownPush(BODY), ctx())).toEqual({ ok: true });
  });

  it("accepts an upper-case hex signature", () => {
    const p = ownPush(BODY);
    p.headers["x-anchor-signature"] = p.headers["x-anchor-signature"]!.replace(/[0-9a-f]{64}/, (h) =>
      h.toUpperCase(),
    );
    expect(verifyOwn(p, ctx())).toEqual({ ok: true });
  });

  it("rejects a signature made with another secret", () => {
    expect(verifyOwn(ownPush(BODY, "wrong-secret"), ctx())).toEqual({ ok: false, reason: "mismatch" });
  });

  it("rejects a body changed after signing", () => {
    const p = ownPush(BODY);
    expect(verifyOwn({ ...p, body: Buffer.from(BODY.replace("100", "1")) }, ctx())).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("rejects a timestamp older or newer than maxSkewSec", () => {
    expect(verifyOwn(ownPush(BODY, SECRET, NOW_SEC - 301), ctx())).toEqual({ ok: false, reason: "stale" });
    expect(verifyOwn(ownPush(BODY, SECRET, NOW_SEC + 301), ctx())).toEqual({ ok: false, reason: "stale" });
    expect(verifyOwn(ownPush(BODY, SECRET, NOW_SEC - 300), ctx())).toEqual({ ok: true });
  });

  it("skips the clock check when maxSkewSec is 0", () => {
    expect(verifyOwn(ownPush(BODY, SECRET, NOW_SEC - 86_400), ctx({ maxSkewSec: 0 }))).toEqual({ ok: true });
  });

  it("reports a missing header", () => {
    const p = ownPush(BODY);
    const { "x-anchor-signature": _sig, ...noSig } = p.headers;
    const { "x-anchor-timestamp": _ts, ...noTs } = p.headers;
    expect(verifyOwn({ ...p, headers: noSig }, ctx())).toEqual({ ok: false, reason: "missing" });
    expect(verifyOwn({ ...p, headers: noTs }, ctx())).toEqual({ ok: false, reason: "missing" });
    expect(verifyOwn(rawPush(BODY), ctx())).toEqual({ ok: false, reason: "missing" });
  });

  it.each([
    ["no sha256= prefix", (h: string) => h.replace("sha256=", "")],
    ["short digest", (h: string) => h.slice(0, -2)],
    ["non-hex digest", (h: string) => h.replace(/.$/, "z")],
  ])("rejects a malformed signature header (%s)", (_name, mangle) => {
    const p = ownPush(BODY);
    p.headers["x-anchor-signature"] = mangle(p.headers["x-anchor-signature"]!);
    expect(verifyOwn(p, ctx())).toEqual({ ok: false, reason: "mismatch" });
  });

  it("rejects a non-numeric timestamp", () => {
    const p = ownPush(BODY);
    p.headers["x-anchor-timestamp"] = "yesterday";
    expect(verifyOwn(p, ctx())).toEqual({ ok: false, reason: "mismatch" });
  });

  it("says no_secret when the source has none configured", () => {
    expect(verifyOwn(ownPush(BODY), ctx({ secret: undefined }))).toEqual({ ok: false, reason: "no_secret" });
    expect(verifyOwn(ownPush(BODY), ctx({ secret: "" }))).toEqual({ ok: false, reason: "no_secret" });
  });

  it.each(["taobao", "pdd", "miniapp", "wms", "payment"] as const)(
    "is the scheme %s verifies with",
    (name) => {
      expect(adapters[name].verify(ownPush(BODY), ctx())).toEqual({ ok: true });
      expect(adapters[name].verify(ownPush(BODY, "other"), ctx())).toEqual({ ok: false, reason: "mismatch" });
    },
  );
});
