import { describe } from "./json.ts";
import { ParseError } from "./parse-error.ts";

/**
 * Money arrives as yuan strings ("158.00"), yuan or major-unit floats (51.8, 109.8) and integer
 * fen. Everything is converted through its decimal text, never by multiplying a float, so
 * 0.29 → 29 and not 28.999999999999996.
 */

const DECIMAL = /^(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Digits a float may carry past the minor unit and still be binary noise (0.30000000000000004). */
const NOISE = /^(0{6,}\d*|9{6,}\d*)$/;

/** ISO 4217 minor-unit digits that differ from the usual 2. */
const MINOR_DIGITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  PYG: 0,
  UGX: 0,
  XAF: 0,
  XOF: 0,
  BHD: 3,
  JOD: 3,
  KWD: 3,
  OMR: 3,
  TND: 3,
};

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2;
}

/** Shifts a plain or exponent-notation decimal to integer and fraction digit strings. */
function splitDecimal(text: string): { int: string; frac: string } | undefined {
  const m = text.length <= 64 ? DECIMAL.exec(text) : null;
  if (!m || Math.abs(Number(m[3] ?? 0)) > 40) return undefined;
  const digits = `${m[1]}${m[2] ?? ""}`;
  const point = m[1]!.length + Number(m[3] ?? 0);
  if (point <= 0) return { int: "0", frac: "0".repeat(-point) + digits };
  if (point >= digits.length) return { int: digits + "0".repeat(point - digits.length), frac: "" };
  return { int: digits.slice(0, point), frac: digits.slice(point) };
}

/**
 * A decimal amount (string or number) in major units → integer minor units. Strings must not
 * carry non-zero digits past `digits`; numbers may, only when the excess is float noise.
 */
export function decimalToMinor(value: unknown, digits: number, path = "amount"): number {
  const isNum = typeof value === "number";
  if (isNum && !Number.isFinite(value)) throw new ParseError("amount is not a finite number", path);
  if (!isNum && typeof value !== "string") {
    throw new ParseError(`expected an amount, got ${describe(value)}`, path);
  }
  const text = isNum ? String(Object.is(value, -0) ? 0 : value) : (value as string);
  if (text.startsWith("-")) throw new ParseError(`negative amount ${text}`, path);
  const parts = splitDecimal(text);
  if (!parts) throw new ParseError(`not an amount: ${JSON.stringify(text).slice(0, 40)}`, path);
  const kept = parts.frac.slice(0, digits).padEnd(digits, "0");
  const excess = parts.frac.slice(digits);
  let minor = Number(parts.int + kept);
  if (/[1-9]/.test(excess)) {
    if (!isNum || !NOISE.test(excess)) throw new ParseError(`amount ${text} has sub-cent digits`, path);
    if (excess.startsWith("9")) minor += 1;
  }
  if (!Number.isSafeInteger(minor)) throw new ParseError(`amount ${text} is out of range`, path);
  return minor;
}

/** Yuan ("158.00", 51.8, 8) → integer cents (分). */
export function yuanToCents(value: unknown, path?: string): number {
  return decimalToMinor(value, 2, path);
}

/** A major-unit amount in `currency` (Shopee's 109.8 MYR) → integer minor units. */
export function majorToMinor(value: unknown, currency: string, path?: string): number {
  return decimalToMinor(value, minorDigits(currency), path);
}

/** Integer fen (15800, or "15800") → integer cents, unchanged. */
export function fenToCents(value: unknown, path = "amount"): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new ParseError(`expected a non-negative integer amount in fen, got ${describe(value)}`, path);
  }
  return n;
}

/** Integer cents → "158.00" (for display and round-trip checks). */
export function formatYuan(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not integer cents: ${cents}`);
  const sign = cents < 0 ? "-" : "";
  const abs = String(Math.abs(cents)).padStart(3, "0");
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}
