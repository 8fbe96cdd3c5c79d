/** Source of "now". Injected everywhere so tests can run a simulated clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const UNIT_MS = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

const UNIT_WORDS: Record<string, keyof typeof UNIT_MS> = {
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  wk: 'w',
  week: 'w',
  weeks: 'w',
};

/**
 * Parses a duration: compact (`2h`, `90m`, `1h30m`, `7d`, `2w`) or spoken (`2 hours`, `2 hours ago`).
 * Returns milliseconds, or null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text
    .trim()
    .toLowerCase()
    .replace(/\s+ago$/, '');
  if (!trimmed) return null;
  const compact = /^(?:(\d+(?:\.\d+)?)\s*([a-z]+)\s*)+$/;
  if (!compact.test(trimmed)) return null;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/g)) {
    const unit = UNIT_WORDS[match[2] ?? ''];
    if (!unit) return null;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  return total > 0 && Number.isFinite(total) ? Math.round(total) : null;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Parses an ISO 8601 date-time with an explicit offset (or Z), or a bare date (UTC midnight). */
export function parseIsoTime(text: string): Date | null {
  const value = text.trim();
  const date = ISO_DATE.exec(value);
  if (date) {
    const d = new Date(`${value}T00:00:00Z`);
    return isRealDate(d, date[1], date[2], date[3]) ? d : null;
  }
  const dt = ISO_DATETIME.exec(value);
  if (!dt) return null;
  const d = new Date(value.replace(' ', 'T'));
  if (Number.isNaN(d.getTime())) return null;
  if (Number(dt[4]) > 23 || Number(dt[5]) > 59 || Number(dt[6] ?? 0) > 59) return null;
  return d;
}

function isRealDate(d: Date, y?: string, m?: string, day?: string): boolean {
  return (
    !Number.isNaN(d.getTime()) &&
    d.getUTCFullYear() === Number(y) &&
    d.getUTCMonth() + 1 === Number(m) &&
    d.getUTCDate() === Number(day)
  );
}

/** True for a bare `YYYY-MM-DD` string. */
export function isBareDate(text: string): boolean {
  return ISO_DATE.test(text.trim());
}

export function iso(date: Date): string {
  return date.toISOString();
}

export function addMinutes(date: Date | string, minutes: number): Date {
  return new Date(new Date(date).getTime() + minutes * 60_000);
}

export function minutesBetween(from: Date | string, to: Date | string): number {
  return (new Date(to).getTime() - new Date(from).getTime()) / 60_000;
}

/**
 * Said when the clock reads earlier than something already on the record (the system clock was
 * set back, or another machine's clock is ahead): time left is then clamped, not grown. Null
 * when the clock is not behind.
 */
export function clockBehindNote(latestRecorded: string, now: Date): string | null {
  const behind = minutesBetween(now, latestRecorded);
  if (behind <= 0) return null;
  return `The clock reads ${formatClock(now, now)}, ${formatMinutes(behind)} earlier than the newest entry on the record (${formatClock(latestRecorded, now)}): the system clock has moved back. Time-boxes and update times are clamped until it catches up; check the time on this machine.`;
}

/** "15 min", "2 h 5 min", "3 d 4 h": short and readable at 3 AM. */
export function formatMinutes(minutes: number): string {
  const m = Math.round(Math.abs(minutes));
  if (m < 60) return `${m} min`;
  if (m < 1440) {
    const h = Math.floor(m / 60);
    const rest = m % 60;
    return rest ? `${h} h ${rest} min` : `${h} h`;
  }
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** "14:32 UTC" for the same day as `now`, else "2026-11-27 14:32 UTC". */
export function formatClock(at: Date | string, now?: Date): string {
  const d = new Date(at);
  const hhmm = d.toISOString().slice(11, 16);
  if (now && d.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)) return `${hhmm} UTC`;
  return `${d.toISOString().slice(0, 10)} ${hhmm} UTC`;
}

/** A clock that only moves when told to: simulated time for evals, game days and tests. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: string | Date) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advanceMinutes(minutes: number): void {
    this.current += minutes * 60_000;
  }
  set(at: string | Date): void {
    this.current = new Date(at).getTime();
  }
}
