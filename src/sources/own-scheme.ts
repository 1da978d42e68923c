import { digestsEqual, hmacSha256Hex } from "./digest.ts";
import type { RawPush, VerifyContext, VerifyResult } from "./types.ts";

/**
 * anchorbot's own webhook scheme (SPEC §5.1), used by miniapp, wms, payment and the consumers
 * that forward Taobao TMC and PDD messages:
 *   x-anchor-timestamp: <unix seconds>
 *   x-anchor-signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
 */
export const TIMESTAMP_HEADER = "x-anchor-timestamp";
export const SIGNATURE_HEADER = "x-anchor-signature";

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

export function signOwn(
  secret: string,
  timestampSec: number,
  body: Buffer | string,
): Record<typeof TIMESTAMP_HEADER | typeof SIGNATURE_HEADER, string> {
  const ts = String(Math.trunc(timestampSec));
  return {
    [TIMESTAMP_HEADER]: ts,
    [SIGNATURE_HEADER]: `sha256=${hmacSha256Hex(secret, ts, ".", body)}`,
  };
}

/**
 * The signature is checked before the clock: a forged request reads "mismatch" whatever its
 * timestamp, and "stale" is only ever said of a genuine but late delivery (a replay).
 * maxSkewSec <= 0 turns the clock check off, as WECOM_MAX_SKEW=0 does.
 */
export function verifyOwn(push: RawPush, ctx: VerifyContext): VerifyResult {
  if (!ctx.secret) return { ok: false, reason: "no_secret" };
  const ts = push.headers[TIMESTAMP_HEADER]?.trim();
  const sig = push.headers[SIGNATURE_HEADER]?.trim();
  if (!ts || !sig) return { ok: false, reason: "missing" };
  const hex = SIGNATURE.exec(sig)?.[1];
  if (!TIMESTAMP.test(ts) || !hex) return { ok: false, reason: "mismatch" };
  const expected = hmacSha256Hex(ctx.secret, ts, ".", push.body);
  if (!digestsEqual(expected, hex.toLowerCase())) return { ok: false, reason: "mismatch" };
  if (ctx.maxSkewSec > 0 && Math.abs(ctx.nowMs - Number(ts) * 1000) > ctx.maxSkewSec * 1000) {
    return { ok: false, reason: "stale" };
  }
  return { ok: true };
}
