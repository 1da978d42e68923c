import { parse } from "lossless-json";
import { ParseError } from "./parse-error.ts";

const INTEGER = /^-?\d+$/;
/**
 * A JSON number literal of 16+ digits at the start or right after `:`, `,` or `[`. Only such literals can lose
 * precision, so texts without one take the native parser (≈8× faster on multi-MB bodies). A match
 * inside a string is a harmless false positive: it merely takes the lossless path.
 */
const LONG_NUMBER = /(?:^|[:,[])\s*-?\d{16,}/;

function parseNumber(text: string): number | string {
  const n = Number(text);
  return INTEGER.test(text) && !Number.isSafeInteger(n) ? text : n;
}

/**
 * Parses JSON text. Integers beyond Number.MAX_SAFE_INTEGER come back as their decimal string
 * (19-digit Taobao tids, TMC and PDD frame ids); every other number is a plain number.
 * Duplicate keys keep the last value, as JSON.parse does, on both paths.
 */
export function parseJson(text: string, path = "$"): unknown {
  try {
    if (!LONG_NUMBER.test(text)) return JSON.parse(text);
    return parse(text, null, { parseNumber, onDuplicateKey: ({ newValue }) => newValue });
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
