import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Hex HMAC-SHA256 over the concatenated parts (strings as UTF-8, buffers as-is). */
export function hmacSha256Hex(key: string, ...parts: (string | Buffer)[]): string {
  const mac = createHmac("sha256", key);
  for (const part of parts) mac.update(part);
  return mac.digest("hex");
}

export function md5HexUpper(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex").toUpperCase();
}

/**
 * Constant-time comparison of two ASCII digests. Unequal lengths fail at once; that reveals
 * only the length, which the scheme makes public anyway.
 */
export function digestsEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
