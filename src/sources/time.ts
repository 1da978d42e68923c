import { describe } from "./json.ts";
import { ParseError } from "./parse-error.ts";

/** Every source time → UTC epoch milliseconds. */

const CHINA_OFFSET_MS = 8 * 3600_000;
const CHINA = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
/** 9999-12-31 in seconds: a bound that keeps ms-vs-s mix-ups and garbage out. */
const MAX_SECONDS = 253_402_300_799;

/** Date.UTC that refuses rolled-over fields (2026-02-30, 24:00:00) instead of normalising them. */
function utc(fields: readonly (string | undefined)[], text: string, path: string): number {
  const [y, mo, d, h, mi, s] = fields.map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  const same =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s;
  if (!same) throw new ParseError(`not a valid date-time: ${text}`, path);
  return ms;
}

function needString(value: unknown, path: string): string {
  if (typeof value !== "string") throw new ParseError(`expected a time string, got ${describe(value)}`, path);
  return value;
}

/** `yyyy-MM-dd HH:mm:ss` in China time (+08:00, no marker), as Taobao, PDD, Kuaidi100 and Qimen send it. */
export function chinaTimeToMs(value: unknown, path = "time"): number {
  const text = needString(value, path);
  const m = CHINA.exec(text);
  if (!m)
    throw new ParseError(`expected yyyy-MM-dd HH:mm:ss, got ${JSON.stringify(text).slice(0, 40)}`, path);
  return utc(m.slice(1, 7), text, path) - CHINA_OFFSET_MS;
}

function epochInt(value: unknown, path: string): number {
  const n = typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new ParseError(`expected a non-negative integer timestamp, got ${describe(value)}`, path);
  }
  return n;
}

/** Unix seconds (Shopee, our own scheme) → ms. */
export function unixSecondsToMs(value: unknown, path = "time"): number {
  const s = epochInt(value, path);
  if (s > MAX_SECONDS) throw new ParseError(`timestamp ${s} is too large for seconds`, path);
  return s * 1000;
}

/** Unix milliseconds (PDD frames) → ms, validated. */
export function unixMillisToMs(value: unknown, path = "time"): number {
  const ms = epochInt(value, path);
  if (ms > MAX_SECONDS * 1000) throw new ParseError(`timestamp ${ms} is out of range`, path);
  return ms;
}

/** RFC 3339 with a zone (`Z` or ±hh:mm), e.g. WeChat Pay's 2026-11-28T09:41:59+08:00. */
export function rfc3339ToMs(value: unknown, path = "time"): number {
  const text = needString(value, path);
  const m = RFC3339.exec(text);
  if (!m) throw new ParseError(`expected an RFC 3339 time, got ${JSON.stringify(text).slice(0, 40)}`, path);
  const frac = m[7] ? Number(`${m[7].slice(1)}00`.slice(0, 3)) : 0;
  const offH = Number(m[10] ?? 0);
  const offM = Number(m[11] ?? 0);
  if (offH > 23 || offM > 59) throw new ParseError(`bad zone offset in ${text}`, path);
  const offset = (m[9] === "-" ? -1 : 1) * (offH * 60 + offM) * 60_000;
  return utc(m.slice(1, 7), text, path) + frac - offset;
}

/**
 * Times from our own senders (WMS JSON): RFC 3339, China local text, or a number — below 10^11
 * read as seconds, else milliseconds (10^11 s is the year 5138, 10^11 ms is 1973).
 */
export function flexibleTimeToMs(value: unknown, path = "time"): number {
  if (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value))) {
    const n = epochInt(value, path);
    return n < 1e11 ? unixSecondsToMs(n, path) : unixMillisToMs(n, path);
  }
  const text = needString(value, path);
  return CHINA.test(text) ? chinaTimeToMs(text, path) : rfc3339ToMs(text, path);
}
