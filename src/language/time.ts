/**
 * Times, dates and durations in the forms people type: "since 14:05", "10 min ago", "03:07 utc",
 * "since tuesday", "for the last hour", "25 minutes in", "next friday", "in 2 weeks", "eod". Pure:
 * every answer is relative to the `now` it is given.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

const NUMBER_WORDS: Record<string, number> = {
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
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  ninety: 90,
  couple: 2,
  'a couple of': 2,
  'a couple': 2,
  few: 3,
  'a few': 3,
  'half an': 0.5,
  'half a': 0.5,
};

/** "25", "2.5", "two", "a", "half an" → a number; null when it is not one. */
export function numberWord(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+(?:[.,]\d+)?$/.test(t)) return Number(t.replace(',', '.'));
  return NUMBER_WORDS[t] ?? null;
}

const UNIT_MINUTES: [RegExp, number][] = [
  [/^(?:s|sec|secs|second|seconds)$/, 1 / 60],
  [/^(?:m|min|mins|minute|minutes|mn)$/, 1],
  [/^(?:h|hr|hrs|hour|hours)$/, 60],
  [/^(?:d|day|days)$/, 1440],
  [/^(?:w|wk|wks|week|weeks)$/, 10080],
  [/^(?:mo|month|months)$/, 43200],
];

function unitMinutes(unit: string): number | null {
  for (const [pattern, minutes] of UNIT_MINUTES) if (pattern.test(unit)) return minutes;
  return null;
}

const QUANTITY = String.raw`(\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|half an?|a couple(?: of)?|couple(?: of)?|a few|few)`;
const UNIT = String.raw`(s|secs?|seconds?|m|mins?|minutes?|mn|h|hrs?|hours?|d|days?|w|wks?|weeks?|mo|months?)`;

export interface Span {
  minutes: number;
  phrase: string;
  /** "ago" counts back from now; "for" and "in" measure how long something has lasted. */
  kind: 'ago' | 'for' | 'in';
  index: number;
}

/** Durations: "10 min ago", "for 20 minutes", "for the last hour", "25 minutes in", "an hour and a half". */
export function spans(lower: string): Span[] {
  const out: Span[] = [];
  const re = new RegExp(
    String.raw`(?:\b(for|over|since|about|around|nearly|almost|been|past|last|the last|the past|for the last|for the past|within)\s+)?\b${QUANTITY}(\s*-?\s*)${UNIT}\b(\s+(?:and\s+)?a\s+half)?(\s+ago|\s+in\b|\s+now\b)?`,
    'gi',
  );
  for (const m of lower.matchAll(re)) {
    const n = numberWord(m[2]!);
    const unit = unitMinutes(m[4]!.toLowerCase());
    if (n === null || unit === null) continue;
    // "10m" and "2h" are durations; "2 m" or "5 d" with a space are too ambiguous to read.
    if (m[4]!.length === 1 && (m[3] !== '' || !/\d$/.test(m[2]!))) continue;
    const half = m[5] ? 0.5 : 0;
    const minutes = Math.round((n + half) * unit);
    if (minutes <= 0 || minutes > 525_600) continue;
    const tail = (m[6] ?? '').trim().toLowerCase();
    const kind: Span['kind'] =
      tail === 'ago' ? 'ago' : tail === 'in' || tail === 'now' || m[1] === 'been' ? 'in' : 'for';
    out.push({ minutes, phrase: m[0]!.trim(), kind, index: m.index });
  }
  // "for the last hour": a unit with no number is one of it.
  for (const m of lower.matchAll(
    /\b(?:for|over|in|during|within)\s+the\s+(?:last|past)\s+(second|minute|hour|day|week|month)\b/gi,
  )) {
    if (out.some((o) => o.index >= m.index && o.index < m.index + m[0]!.length)) continue;
    out.push({ minutes: unitMinutes(m[1]!.toLowerCase())!, phrase: m[0]!, kind: 'for', index: m.index });
  }
  return out;
}

const ZONES: Record<string, number> = {
  utc: 0,
  gmt: 0,
  z: 0,
  bst: 60,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  ist: 330,
  jst: 540,
  kst: 540,
  aest: 600,
  aedt: 660,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

export interface ClockTime {
  /** The most recent such moment at or before now (or just after it, within a few minutes). */
  at: Date;
  phrase: string;
  index: number;
}

/** Clock times: "14:05", "9:40", "03:07 utc", "3pm", "3:15 pm", "noon", "midnight". */
export function clockTimes(lower: string, now: Date): ClockTime[] {
  const out: ClockTime[] = [];
  const re =
    /\b([01]?\d|2[0-3])(?::|h|\.)([0-5]\d)(?::[0-5]\d)?\s*(am|pm|a\.m\.|p\.m\.)?(?:\s*(utc|gmt|z|bst|cet|cest|eet|eest|ist|jst|kst|aest|aedt|est|edt|cst|cdt|mst|mdt|pst|pdt))?\b|\b(1[0-2]|0?[1-9])\s*(am|pm|a\.m\.|p\.m\.)(?:\s*(utc|gmt|bst|cet|cest|est|edt|pst|pdt))?\b|\b(noon|midnight)\b/gi;
  for (const m of lower.matchAll(re)) {
    // A version ("v4.1"), a decimal ("4.5s") or a date ("2026-11-12") is not a clock time.
    const before = lower.slice(Math.max(0, m.index - 2), m.index);
    if (/[v\d.\-/]$/.test(before)) continue;
    if (m[2] !== undefined && m[0]!.includes('.') && !m[3] && !m[4]) continue;
    let hour: number;
    let minute = 0;
    let meridiem: string | undefined;
    let zone: string | undefined;
    if (m[1] !== undefined) {
      hour = Number(m[1]);
      minute = Number(m[2]);
      meridiem = m[3];
      zone = m[4];
    } else if (m[5] !== undefined) {
      hour = Number(m[5]);
      meridiem = m[6];
      zone = m[7];
    } else {
      hour = m[8] === 'noon' ? 12 : 0;
    }
    if (meridiem?.startsWith('p') && hour < 12) hour += 12;
    if (meridiem?.startsWith('a') && hour === 12) hour = 0;
    const offset = zone ? (ZONES[zone.toLowerCase()] ?? 0) : 0;
    const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    let at = day + (hour * 60 + minute - offset) * MINUTE;
    // Past by default: a time more than ten minutes ahead of now is yesterday's.
    if (at > now.getTime() + 10 * MINUTE) at -= DAY;
    if (at < now.getTime() - DAY) at += DAY;
    out.push({ at: new Date(at), phrase: m[0]!.trim(), index: m.index });
  }
  return out;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const WEEKDAY = String.raw`(sun(?:day)?|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?|sat(?:urday)?)`;

function weekdayIndex(text: string): number {
  const t = text.toLowerCase().slice(0, 3);
  return WEEKDAYS.findIndex((d) => d.startsWith(t));
}

function startOfDay(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export interface Moment {
  at: Date;
  phrase: string;
  index: number;
}

/**
 * When something started, as said: "since 14:05", "started around 9:40", "10 min ago", "since
 * tuesday", "since yesterday", "for the last hour", "since this morning". Null when nothing says.
 */
export function startTime(lower: string, now: Date, options: { spans?: boolean } = {}): Moment | null {
  const candidates: Moment[] = [];
  const clocks = clockTimes(lower, now);
  for (const c of clocks) {
    const lead = lower.slice(Math.max(0, c.index - 40), c.index);
    if (
      /\b(?:since|started?|starting|began|begun|from|as of|kicked off|first (?:seen|noticed|alert\w*|page\w*)|beginning|onset|at around|around|about|approx\.?|~|@|at)\s*(?:about|around|roughly|approx\.?|~)?\s*$/.test(
        lead,
      )
    )
      candidates.push({ at: c.at, phrase: `${lead.match(/\S+\s*$/)?.[0] ?? ''}${c.phrase}`.trim(), index: c.index });
  }
  for (const s of options.spans === false ? [] : spans(lower)) {
    if (s.kind === 'ago')
      candidates.push({ at: new Date(now.getTime() - s.minutes * MINUTE), phrase: s.phrase, index: s.index });
    else if (/^(?:for|since|over)\b|\blast\b|\bpast\b/.test(s.phrase) && s.minutes < 10_080)
      candidates.push({ at: new Date(now.getTime() - s.minutes * MINUTE), phrase: s.phrase, index: s.index });
  }
  const day = new RegExp(String.raw`\b(?:since|from|started?|began|as of)\s+(?:last\s+)?${WEEKDAY}\b`, 'i').exec(lower);
  if (day) {
    const target = weekdayIndex(day[1]!);
    let diff = (now.getUTCDay() - target + 7) % 7;
    if (diff === 0) diff = 7;
    candidates.push({ at: new Date(startOfDay(now) - diff * DAY), phrase: day[0]!, index: day.index });
  }
  const relative =
    /\b(?:since|from|started?|began)\s+(yesterday|last night|this morning|earlier today|overnight|the weekend|last week)\b/.exec(
      lower,
    );
  if (relative) {
    const base = startOfDay(now);
    const at: Record<string, number> = {
      yesterday: base - DAY,
      'last night': base - 2 * 3_600_000,
      overnight: base,
      'this morning': base + 6 * 3_600_000,
      'earlier today': base,
      'the weekend': base - ((now.getUTCDay() + 1) % 7) * DAY,
      'last week': base - 7 * DAY,
    };
    const value = at[relative[1]!];
    if (value !== undefined && value <= now.getTime())
      candidates.push({ at: new Date(value), phrase: relative[0]!, index: relative.index });
  }
  if (!candidates.length) return null;
  // The earliest stated start is when the impact began.
  return candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0]!;
}

export type Due = { kind: 'date'; date: string; phrase: string } | { kind: 'unreadable'; phrase: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function nextOnOrAfter(now: Date, weekday: number, weeksAhead: number): number {
  const diff = (weekday - now.getUTCDay() + 7) % 7;
  return startOfDay(now) + (diff + weeksAhead * 7) * DAY;
}

/**
 * A due date, as a calendar day: "by next friday", "due 2026-12-01", "in 2 weeks", "eod", "end of
 * next week", "tomorrow", "dec 3". Words that promise no date ("soon", "whenever", "after the
 * freeze", "asap", "tbd") are `unreadable`, so the commander asks instead of guessing.
 */
export function dueDate(lower: string, now: Date): Due | null {
  const iso = /\b(20\d\d)-(\d\d)-(\d\d)\b/.exec(lower);
  if (iso) return { kind: 'date', date: `${iso[1]}-${iso[2]}-${iso[3]}`, phrase: iso[0] };
  const rel = new RegExp(
    String.raw`\b(?:in|within|for|due in|due|next)\s+${QUANTITY}\s*-?\s*(days?|d|weeks?|wks?|w|months?|mo|sprints?)\b`,
    'i',
  ).exec(lower);
  if (rel) {
    const n = numberWord(rel[1]!) ?? 1;
    const unit = rel[2]!.toLowerCase();
    const days = unit.startsWith('sprint') ? n * 14 : unit.startsWith('mo') ? n * 30 : unit.startsWith('w') ? n * 7 : n;
    return { kind: 'date', date: isoDay(startOfDay(now) + Math.round(days) * DAY), phrase: rel[0]! };
  }
  const compact = /\b(?:due|by|in)\s*:?\s*(\d{1,3})\s*(d|w)\b/.exec(lower);
  if (compact) {
    const n = Number(compact[1]);
    return {
      kind: 'date',
      date: isoDay(startOfDay(now) + n * (compact[2] === 'w' ? 7 : 1) * DAY),
      phrase: compact[0]!,
    };
  }
  const tomorrow = /\b(?:(?:eod|end of (?:the )?day|cob)\s+)?(?:tomorrow|tmrw|tmr)\b/.exec(lower);
  if (tomorrow) return { kind: 'date', date: isoDay(startOfDay(now) + DAY), phrase: tomorrow[0] };
  const eod = /\b(?:eod|end of (?:the )?day|cob|close of business|by tonight|tonight)\b/.exec(lower);
  if (eod) return { kind: 'date', date: isoDay(startOfDay(now)), phrase: eod[0] };
  if (/\b(?:end of next week|eonw|next week'?s end)\b/.test(lower))
    return { kind: 'date', date: isoDay(nextOnOrAfter(now, 5, 1)), phrase: 'end of next week' };
  if (/\b(?:eow|end of (?:the |this )?week|this week)\b/.test(lower))
    return { kind: 'date', date: isoDay(nextOnOrAfter(now, 5, 0)), phrase: 'end of the week' };
  if (/\bnext week\b/.test(lower)) return { kind: 'date', date: isoDay(nextOnOrAfter(now, 5, 1)), phrase: 'next week' };
  if (/\b(?:end of (?:the |this )?month|eom)\b/.test(lower)) {
    const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0);
    return { kind: 'date', date: isoDay(end), phrase: 'end of the month' };
  }
  if (/\b(?:end of next month)\b/.test(lower)) {
    const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 0);
    return { kind: 'date', date: isoDay(end), phrase: 'end of next month' };
  }
  const weekday = new RegExp(String.raw`\b(next|this|coming|by|on|due|until|before)?\s*${WEEKDAY}\b`, 'i').exec(lower);
  if (weekday && (weekday[1] || /\b(?:due|by|until|before|owner|action|ai)\b/.test(lower))) {
    const target = weekdayIndex(weekday[2]!);
    // "friday" and "this friday" are the coming one; "next friday" is the one in the week after this.
    const ahead = weekday[1]?.toLowerCase() === 'next' ? 1 : 0;
    let day = nextOnOrAfter(now, target, ahead);
    if (ahead === 0 && day === startOfDay(now)) day += 7 * DAY;
    if (ahead === 1 && (target - now.getUTCDay() + 7) % 7 === 0) day = startOfDay(now) + 7 * DAY;
    return { kind: 'date', date: isoDay(day), phrase: weekday[0]!.trim() };
  }
  const monthDay = new RegExp(
    String.raw`\b${MONTH}\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH}\b`,
    'i',
  ).exec(lower);
  if (monthDay) {
    const month = MONTHS.indexOf((monthDay[1] ?? monthDay[4]!).slice(0, 3).toLowerCase());
    const dayOfMonth = Number(monthDay[2] ?? monthDay[3]);
    if (month >= 0 && dayOfMonth >= 1 && dayOfMonth <= 31) {
      let at = Date.UTC(now.getUTCFullYear(), month, dayOfMonth);
      if (at < startOfDay(now)) at = Date.UTC(now.getUTCFullYear() + 1, month, dayOfMonth);
      return { kind: 'date', date: isoDay(at), phrase: monthDay[0]! };
    }
  }
  const numeric = /\b(?:by|due|on|before)\s+(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b/.exec(lower);
  if (numeric) {
    const a = Number(numeric[1]);
    const b = Number(numeric[2]);
    const [month, dayOfMonth] = a > 12 ? [b, a] : [a, b];
    if (month >= 1 && month <= 12 && dayOfMonth >= 1 && dayOfMonth <= 31) {
      const year = numeric[3] ? Number(numeric[3].length === 2 ? `20${numeric[3]}` : numeric[3]) : now.getUTCFullYear();
      let at = Date.UTC(year, month - 1, dayOfMonth);
      if (!numeric[3] && at < startOfDay(now)) at = Date.UTC(year + 1, month - 1, dayOfMonth);
      return { kind: 'date', date: isoDay(at), phrase: numeric[0]! };
    }
  }
  const vague =
    /\b(?:soon|asap|a\.s\.a\.p|whenever|later|someday|some ?time|at some point|eventually|tbd|tba|when (?:we|i|they|you) (?:can|get)|after the (?:freeze|holidays?|launch|release|migration|incident)|next quarter|q[1-4]|this quarter|next (?:release|cycle)|when possible|if (?:we|i) (?:can|have time)|no rush|no date|no deadline)\b/.exec(
      lower,
    );
  if (vague) return { kind: 'unreadable', phrase: vague[0]! };
  return null;
}
