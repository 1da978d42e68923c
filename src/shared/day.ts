/** Display-time-zone days (TZ_DISPLAY; boundaries from Intl, so DST zones get 23- and 25-hour days) (YYYY-MM-DD) ↔ UTC milliseconds, without a date library. */

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormats.set(timeZone, f);
  }
  return f;
}

function wallClock(ms: number, timeZone: string) {
  const p: Record<string, number> = {};
  for (const x of partsFormat(timeZone).formatToParts(new Date(ms))) {
    if (x.type !== "literal") p[x.type] = Number(x.value);
  }
  return {
    y: p.year ?? 1970,
    m: p.month ?? 1,
    d: p.day ?? 1,
    h: p.hour ?? 0,
    min: p.minute ?? 0,
    s: p.second ?? 0,
  };
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - Math.floor(ms / 1000) * 1000;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** The day `ms` falls on in the zone. */
export function dayOf(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${w.y}-${String(w.m).padStart(2, "0")}-${String(w.d).padStart(2, "0")}`;
}

/** `day` plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  const m = DAY_RE.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n)).toISOString().slice(0, 10);
}

/** Midnight at the start of `day` in the zone, as UTC ms (two passes, so DST edges land right). */
export function dayStart(day: string, timeZone: string): number {
  const m = DAY_RE.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  return guess;
}

/** [start, end) of the day in the zone. */
export function dayRange(day: string, timeZone: string): { start: number; end: number } {
  return { start: dayStart(day, timeZone), end: dayStart(addDays(day, 1), timeZone) };
}

/** The day before the one `now` falls on: what the 02:00 run checks. */
export function previousDay(now: number, timeZone: string): string {
  return addDays(dayOf(now, timeZone), -1);
}

/** "11-28 10:00" in the zone. */
export function shortStamp(ms: number | null | undefined, timeZone: string): string {
  if (ms == null) return "—";
  const w = wallClock(ms, timeZone);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(w.m)}-${p(w.d)} ${p(w.h)}:${p(w.min)}`;
}

/** The display day `ms` falls on (the reports' name for dayOf). */
export const displayDay = dayOf;

/** "2026-11-28" → "11-28". */
export const monthDay = (day: string): string => day.slice(5);
