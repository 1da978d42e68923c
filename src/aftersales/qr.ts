import { createHmac, timingSafeEqual } from "node:crypto";
import QRCode from "qrcode";

/**
 * The order QR code printed on the packing slip: `ABQ1.<order no>.<signature>`, the signature a
 * truncated HMAC-SHA256 of the prefix and order no. A product barcode, a code from another shop
 * or a changed order number fails the check; nothing else needs to be stored to verify it.
 */
const PREFIX = "ABQ1";
const SIG_BYTES = 12;

export function signOrderRef(secret: string, orderNo: string): string {
  return `${PREFIX}.${orderNo}.${sig(secret, orderNo)}`;
}

function sig(secret: string, orderNo: string): string {
  return createHmac("sha256", secret)
    .update(`${PREFIX}.${orderNo}`)
    .digest()
    .subarray(0, SIG_BYTES)
    .toString("base64url");
}

export type ScanCheck =
  | { ok: true; orderNo: string }
  | { ok: false; reason: "not_order_code" | "bad_signature" };

/** Checks scanned text; says why when it is not one of our order codes. */
export function verifyOrderRef(secret: string, scanned: string): ScanCheck {
  const text = scanned.trim();
  if (!text.startsWith(`${PREFIX}.`)) return { ok: false, reason: "not_order_code" };
  const last = text.lastIndexOf(".");
  if (last <= PREFIX.length + 1) return { ok: false, reason: "not_order_code" };
  const orderNo = text.slice(PREFIX.length + 1, last);
  const want = Buffer.from(sig(secret, orderNo));
  const got = Buffer.from(text.slice(last + 1));
  if (want.length !== got.length || !timingSafeEqual(want, got))
    return { ok: false, reason: "bad_signature" };
  return { ok: true, orderNo };
}

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: "png", errorCorrectionLevel: "M", margin: 2, scale: 6 });
}
