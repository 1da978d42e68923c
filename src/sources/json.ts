import { ParseError } from "./parse-error.ts";

/**
 * A JSON number literal of 16+ digits at the start or right after `:`, `,` or `[`. Only such
 * literals can lose precision, so texts without one go straight to the native parser. A match
 * inside a string is a harmless false positive: it merely takes the quoting pass.
 */
const LONG_NUMBER = /(?:^|[:,[])\s*-?\d{16,}/;
/**
 * Whole string literals (skipped as they are) or a whole 16+-digit integer literal: not the
 * fraction or exponent of another number, and ending at a JSON delimiter. Matching strings first means digits inside strings are never touched.
 */
const STRING_OR_LONG_INT = /"[^"\\]*(?:\\.[^"\\]*)*"|(?<![\d.eE+-])-?\d{16,}(?=[\s,\]}]|$)/g;

/**
 * Quotes integer literals beyond Number.MAX_SAFE_INTEGER so the native parser keeps them exact,
 * as strings. One linear regex pass plus JSON.parse is several times faster on multi-MB bodies
 * than a JavaScript-level lossless parser.
 */
function quoteUnsafeIntegers(text: string): string {
  return text.replace(STRING_OR_LONG_INT, (m) =>
    m.charCodeAt(0) === 34 || Number.isSafeInteger(Number(m)) ? m : `"${m}"`,
  );
}

/**
 * Parses JSON text. Integers beyond Number.MAX_SAFE_INTEGER come back as their decimal string
 * (19-digit Taobao tids, TMC and PDD frame ids); every other number is a plain number.
 * Duplicate keys keep the last value, as JSON.parse does, on both paths.
 */
export function parseJson(text: string, path = "$"): unknown {
  try {
    return JSON.parse(LONG_NUMBER.test(text) ? quoteUnsafeIntegers(text) : text);
  } catch (err) {
    throw new ParseError(`malformed JSON: ${(err as Error).message}`, path);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Decodes a raw body as UTF-8 (BOM dropped); empty or invalid UTF-8 is a ParseError. */
export function bodyText(body: Buffer): string {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ParseError("body is not valid UTF-8");
  }
  if (text.trim() === "") throw new ParseError("empty body");
  return text;
}

/** Decodes and parses a raw JSON body. */
export function parseJsonBody(body: Buffer): unknown {
  return parseJson(bodyText(body));
}

/**
 * An id as a string whatever its JSON type: big integers (already strings from parseJson),
 * safe integers and non-empty strings. Anything else is a ParseError.
 */
export function idString(value: unknown, path: string): string {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "bigint") return value.toString();
  throw new ParseError(`expected an id (string or integer), got ${describe(value)}`, path);
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string") return value === "" ? "empty string" : "string";
  return typeof value;
}
