/**
 * Durations, clock times and dates as people write them ("15 min", "fifteen minutes", "half an hour",
 * "an hour and a half", "2h30", "in three weeks", "by 14:30 UTC", "by Friday", "2026-03-12"), read
 * into minutes. A time or a date is measured from a reference moment (the turn's time or the
 * resolution).
 */

export interface TimeSpan {
  /** Minutes from the reference moment (durations do not need one). */
  minutes: number;
  /** Where it was found in the text, and what was matched. */
  index: number;
  end: number;
  match: string;
  kind: 'duration' | 'clock' | 'date' | 'unbounded';
}

const SMALL: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  couple: 2,
  few: 3,
  several: 3,
  half: 0.5,
  quarter: 0.25,
};

const NUMBER_WORD = `(?:${Object.keys(SMALL)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
const NUMBER = `(?:\\d+(?:[.,]\\d+)?|${NUMBER_WORD}(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)`;

const UNIT_MINUTES: [RegExp, number][] = [
  [/^(?:s|secs?|seconds?)$/i, 1 / 60],
  [/^(?:m|mins?|minutes?)$/i, 1],
  [/^(?:h|hrs?|hours?)$/i, 60],
  [/^(?:d|days?|business days?|working days?)$/i, 24 * 60],
  [/^(?:w|wks?|weeks?)$/i, 7 * 24 * 60],
  [/^(?:months?|mo)$/i, 30 * 24 * 60],
  [/^(?:quarters?)$/i, 91 * 24 * 60],
  [/^(?:years?|yrs?|y)$/i, 365 * 24 * 60],
];
const UNIT =
  '(?:business days?|working days?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|quarters?|years?|yrs?|[smhdwy])';

export function numberValue(text: string): number | null {
  const t = text.toLowerCase().replace(',', '.');
  if (/^\d/.test(t)) return Number(t);
  const parts = t.split(/[- ]/);
  let total = 0;
  for (const p of parts) {
    const v = SMALL[p];
    if (v === undefined) return null;
    total += v;
  }
  return total;
}

function unitMinutes(unit: string): number {
  return UNIT_MINUTES.find(([re]) => re.test(unit.trim()))?.[1] ?? Number.NaN;
}

const DURATION_RE = new RegExp(
  [
    // "an hour and a half", "two and a half hours", "1.5 h", "90-minute", "15–20 min", "2h30"
    `\\b(?:(${NUMBER})\\s+and\\s+a\\s+half\\s+(${UNIT})|(${NUMBER})\\s*(${UNIT})\\s+and\\s+a\\s+half)\\b`,
    `\\b(?:a\\s+)?(half|quarter)(?:\\s+of)?\\s+(?:an?\\s+)(hour|day)\\b`,
    `\\b(\\d{1,3})\\s*h\\s*(\\d{1,2})\\s*(?:m(?:in(?:ute)?s?)?)?\\b`,
    `\\b(?:(${NUMBER})\\s*(?:[-–]|to|or)\\s*)?(${NUMBER})(?:\\s*|-)(${UNIT})\\b`,
    `\\b(hourly|daily|weekly|fortnightly|monthly|quarterly|yearly|annually|overnight|fortnight)\\b`,
  ].join('|'),
  'gi',
);

const WORD_UNITS: Record<string, number> = {
  hourly: 60,
  daily: 24 * 60,
  overnight: 12 * 60,
  weekly: 7 * 24 * 60,
  fortnight: 14 * 24 * 60,
  fortnightly: 14 * 24 * 60,
  monthly: 30 * 24 * 60,
  quarterly: 91 * 24 * 60,
  yearly: 365 * 24 * 60,
  annually: 365 * 24 * 60,
};

/** Every duration in the text, in minutes (a range counts as its upper end). */
export function durations(text: string): TimeSpan[] {
  const out: TimeSpan[] = [];
  for (const m of text.matchAll(DURATION_RE)) {
    const g = m.slice(1);
    let minutes = Number.NaN;
    if (g[0] !== undefined || g[2] !== undefined) {
      const n = numberValue(g[0] ?? g[2]!);
      minutes = n === null ? Number.NaN : (n + 0.5) * unitMinutes(g[1] ?? g[3]!);
    } else if (g[4] !== undefined) minutes = SMALL[g[4].toLowerCase()]! * unitMinutes(g[5]!);
    else if (g[6] !== undefined) minutes = Number(g[6]) * 60 + Number(g[7]);
    else if (g[9] !== undefined) {
      const n = numberValue(g[9]);
      const unit = g[10]!;
      // A bare letter unit after a word number ("a m") is not a duration.
      if (n !== null && !(/^[a-z]$/i.test(unit) && !/^\d/.test(g[9]))) minutes = n * unitMinutes(unit);
    } else if (g[11] !== undefined) minutes = WORD_UNITS[g[11].toLowerCase()]!;
    // "a few" or "a couple of" before a unit: "a couple of hours".
    if (Number.isFinite(minutes) && minutes > 0) {
      out.push({ minutes, index: m.index, end: m.index + m[0].length, match: m[0], kind: 'duration' });
    }
  }
  for (const m of text.matchAll(
    new RegExp(`\\b(?:a\\s+)?(couple|few)\\s+(?:of\\s+)?(?:more\\s+)?(${UNIT})\\b`, 'gi'),
  )) {
    if (out.some((d) => d.index <= m.index && d.end >= m.index + m[0].length)) continue;
    out.push({
      minutes: SMALL[m[1]!.toLowerCase()]! * unitMinutes(m[2]!),
      index: m.index,
      end: m.index + m[0].length,
      match: m[0],
      kind: 'duration',
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const END_OF_DAY = 23 * 60 + 59;

/**
 * Clock times, dates and day words as minutes after `ref`: "14:30 UTC", "2026-03-12 14:30", "12 March",
 * "tomorrow", "Friday", "end of day", "end of the week", "next week", "next month".
 */
export function moments(text: string, ref: Date): TimeSpan[] {
  const out: TimeSpan[] = [];
  const refMs = ref.getTime();
  const push = (at: number, index: number, match: string, kind: TimeSpan['kind']): void => {
    out.push({ minutes: (at - refMs) / 60_000, index, end: index + match.length, match, kind });
  };
  const startOfDay = (d: Date): number => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?/g)) {
    const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), m[4] ? Number(m[4]) : 0, m[5] ? Number(m[5]) : 0);
    push(m[4] ? at : at + END_OF_DAY * 60_000, m.index, m[0], 'date');
  }
  for (const m of text.matchAll(
    /\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+(\d{1,2})(?:st|nd|rd|th)?\b/gi,
  )) {
    const day = Number(m[1] ?? m[4]);
    const month = MONTHS.indexOf((m[2] ?? m[3])!.slice(0, 3).toLowerCase());
    let at = Date.UTC(ref.getUTCFullYear(), month, day) + END_OF_DAY * 60_000;
    if (at < refMs - 24 * 3600_000) at = Date.UTC(ref.getUTCFullYear() + 1, month, day) + END_OF_DAY * 60_000;
    push(at, m.index, m[0], 'date');
  }
  for (const m of text.matchAll(/(?<![\d-])\b([01]?\d|2[0-3]):([0-5]\d)\b(?!:\d)(?!-\d)\s*(?:UTC|GMT|Z)?/gi)) {
    if (out.some((o) => o.kind === 'date' && o.index <= m.index && o.end >= m.index)) continue;
    let at = startOfDay(ref) + (Number(m[1]) * 60 + Number(m[2])) * 60_000;
    if (at < refMs - 60_000) at += 24 * 3600_000;
    push(at, m.index, m[0].trim(), 'clock');
  }
  for (const m of text.matchAll(
    /\b(?:(tomorrow)|(today|tonight|end of (?:the )?day|eod|close of business|cob)|(end of (?:the )?week|eow|this week)|(next week)|(end of (?:the )?month|next month)|(next quarter)|(next year)|(?:(next|this|on|by|before|until)\s+)?(sunday|monday|tuesday|wednesday|thursday|friday|saturday))\b/gi,
  )) {
    const day = startOfDay(ref);
    let at: number;
    if (m[1]) at = day + 24 * 3600_000 + END_OF_DAY * 60_000;
    else if (m[2]) at = day + END_OF_DAY * 60_000;
    else if (m[3]) at = day + ((5 - ref.getUTCDay() + 7) % 7) * 24 * 3600_000 + END_OF_DAY * 60_000;
    else if (m[4]) at = day + 7 * 24 * 3600_000 + END_OF_DAY * 60_000;
    else if (m[5]) at = day + 30 * 24 * 3600_000;
    else if (m[6]) at = day + 91 * 24 * 3600_000;
    else if (m[7]) at = day + 365 * 24 * 3600_000;
    else {
      const target = WEEKDAYS.indexOf(m[9]!.toLowerCase());
      const ahead = (target - ref.getUTCDay() + 7) % 7 || 7;
      at = day + ahead * 24 * 3600_000 + END_OF_DAY * 60_000;
    }
    push(at, m.index, m[0], 'date');
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Phrases that put no bound on the time at all. */
export const UNBOUNDED =
  /\b(?:as long as (?:it|that) takes|however long (?:it|that) takes|(?:until|till) (?:you|we|they) (?:find|figure|get|nail|crack|solve)|no (?:time )?limit|without (?:a )?(?:time )?limit|indefinitely|open-ended|all (?:day|night)|whenever (?:you|we|they|it)|when(?:ever)? (?:you|we) (?:get|have) (?:a chance|time|round to it)|when convenient|at (?:your|our) leisure|some ?time|eventually|no rush|no hurry|no deadline)\b/i;

/** Durations and moments in a text, all in minutes after `ref`. */
export function spans(text: string, ref: Date): TimeSpan[] {
  const found = [...durations(text), ...moments(text, ref)];
  const u = UNBOUNDED.exec(text);
  if (u)
    found.push({
      minutes: Number.POSITIVE_INFINITY,
      index: u.index,
      end: u.index + u[0].length,
      match: u[0],
      kind: 'unbounded',
    });
  return found
    .filter(
      (s, i) =>
        !found.some((o, j) => j !== i && o.index <= s.index && o.end >= s.end && o.end - o.index > s.end - s.index),
    )
    .sort((a, b) => a.index - b.index);
}
