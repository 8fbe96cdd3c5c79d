import { WEEKDAYS, type Weekday } from './limits.js';

/** Dates and time zones: `YYYY-MM-DD` days, hand-off instants in a zone, through Intl only. */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() + 1 === Number(m[2]) && d.getUTCDate() === Number(m[3]);
}

export function isHandoffTime(text: string): boolean {
  return HHMM.test(text);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The canonical IANA name (`europe/london` → `Europe/London`), or null when Intl does not know the zone. */
export function canonicalTimeZone(name: string): string | null {
  if (!name.trim()) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name.trim() }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function wallClock(ms: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    y: parts['year'] ?? 0,
    mo: parts['month'] ?? 1,
    d: parts['day'] ?? 1,
    h: (parts['hour'] ?? 0) % 24,
    mi: parts['minute'] ?? 0,
    s: parts['second'] ?? 0,
  };
}

/** UTC offset of the zone at an instant, in ms (Europe/London in summer: +3 600 000). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  const w = wallClock(whole, timeZone);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - whole;
}

/**
 * The UTC instant of a local date and time in a zone. Like Temporal's "compatible" disambiguation:
 * a time that happens twice (clocks go back) is the earlier one; a time that does not exist
 * (clocks go forward) is moved forward by the gap.
 */
export function localToUtc(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const valid = [...new Set([before, after])]
    .map((o) => wall - o)
    .filter((t) => offsetAt(t, timeZone) === wall - t)
    .sort((a, b) => a - b);
  return new Date(valid[0] ?? wall - before);
}

/** `YYYY-MM-DD` of an instant in a zone. */
export function localDate(at: Date | string, timeZone: string): string {
  const w = wallClock(new Date(at).getTime(), timeZone);
  return `${String(w.y).padStart(4, '0')}-${pad(w.mo)}-${pad(w.d)}`;
}

/** `YYYY-MM-DD HH:MM` of an instant in a zone. */
export function localDateTime(at: Date | string, timeZone: string): string {
  const w = wallClock(new Date(at).getTime(), timeZone);
  return `${String(w.y).padStart(4, '0')}-${pad(w.mo)}-${pad(w.d)} ${pad(w.h)}:${pad(w.mi)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

export function weekdayOf(date: string): Weekday {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()]!;
}

/** The first handoff at or after `now`: today if today is the handoff day and the handoff time has not passed. */
export function nextHandoffDate(now: Date, handoffDay: Weekday, handoffTime: string, timeZone: string): string {
  const today = localDate(now, timeZone);
  for (let k = 0; k <= 7; k++) {
    const date = addDays(today, k);
    if (weekdayOf(date) === handoffDay && localToUtc(date, handoffTime, timeZone).getTime() >= now.getTime())
      return date;
  }
  return addDays(today, 7);
}
