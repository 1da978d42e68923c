import { describe } from "./json.ts";
import { ParseError } from "./parse-error.ts";

/**
 * Typed access to parsed payloads. Every reader names the dotted path it looked at, so a
 * wrong type becomes a ParseError that says where, never a TypeError further down.
 */
export type Obj = Record<string, unknown>;

const join = (base: string, key: string) => (base === "" ? key : `${base}.${key}`);

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asObj(value: unknown, path: string): Obj {
  if (!isObj(value)) throw new ParseError(`expected an object, got ${describe(value)}`, path);
  return value;
}

export function reqObj(o: Obj, key: string, base: string): Obj {
  return asObj(o[key], join(base, key));
}

export function optObj(o: Obj, key: string, base: string): Obj | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : asObj(v, join(base, key));
}

/**
 * A list that may arrive as an array, as a single object (XML with one child element), or be
 * absent or empty (`<packages/>` parses to ""). Always returns an array.
 */
export function listOf(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  if (Array.isArray(value)) return value;
  if (isObj(value)) return [value];
  throw new ParseError(`expected a list, got ${describe(value)}`, path);
}

export function reqStr(o: Obj, key: string, base: string): string {
  const v = o[key];
  if (typeof v !== "string" || v.trim() === "") {
    throw new ParseError(`expected a non-empty string, got ${describe(v)}`, join(base, key));
  }
  return v;
}

/** Absent, null and "" all read as undefined: platforms use them interchangeably for "none". */
export function optStr(o: Obj, key: string, base: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new ParseError(`expected a string, got ${describe(v)}`, join(base, key));
  return v;
}

/** A string that some senders write as a number (codes, states): returned as a string. */
export function optText(o: Obj, key: string, base: string): string | undefined {
  const v = o[key];
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return optStr(o, key, base);
}

export function reqInt(o: Obj, key: string, base: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    throw new ParseError(`expected an integer, got ${describe(v)}`, join(base, key));
  }
  return v;
}

export function optInt(o: Obj, key: string, base: string): number | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : reqInt(o, key, base);
}

/** Only http(s) links are kept: the URL ends up on a chat card button. */
export function mediaUrl(v: string | undefined): string {
  return v && /^https?:\/\/\S+$/.test(v) ? v : "";
}
