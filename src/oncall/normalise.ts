import { ANY_CONTROL as CONTROL } from '../core/control.js';
import { type FieldIssue, InputError } from '../core/errors.js';
import { addDays, canonicalTimeZone, isHandoffTime, isIsoDate, nextHandoffDate, weekdayOf } from './calendar.js';
import { ROTATION_DEFAULTS, ROTATION_LIMITS, WEEKDAYS } from './limits.js';
import type { NormalisedInput, RotationInput } from './types.js';
import { capitalise } from './wording.js';

/** Checks a rotation request and applies the defaults; InputError names every field that is wrong, at once. */
function defaultWeeks(n: number): number {
  return Math.min(ROTATION_LIMITS.maxWeeks, Math.ceil(ROTATION_LIMITS.defaultMinPeriods / n) * n);
}

export function normalise(input: RotationInput, now: Date): NormalisedInput {
  const issues: FieldIssue[] = [];
  const bad = (field: string, problem: string): void => void issues.push({ field, problem });

  const members: string[] = [];
  const rawMembers = Array.isArray(input.members) ? input.members : [];
  if (rawMembers.length < ROTATION_LIMITS.minMembers || rawMembers.length > ROTATION_LIMITS.maxMembers) {
    bad(
      'members',
      `must list ${ROTATION_LIMITS.minMembers}–${ROTATION_LIMITS.maxMembers} people, got ${rawMembers.length}`,
    );
  }
  const seen = new Map<string, number>();
  for (const [i, raw] of rawMembers.entries()) {
    const name = typeof raw === 'string' ? raw.trim() : '';
    if (!name) {
      bad(`members[${i}]`, 'must be a name, got an empty string');
      continue;
    }
    if (name.length > 100) {
      bad(`members[${i}]`, 'must be at most 100 characters');
      continue;
    }
    if (CONTROL.test(name)) {
      bad(`members[${i}]`, 'must not contain control characters (newlines, escape sequences)');
      continue;
    }
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      bad(
        `members[${i}]`,
        `"${name}" is listed twice (also members[${first}] "${members[first]}"); names are compared without case`,
      );
      continue;
    }
    seen.set(key, members.length);
    members.push(name);
  }
  const memberList = members.map((m) => `"${m}"`).join(', ');
  const memberIndex = (field: string, raw: unknown): number => {
    const name = typeof raw === 'string' ? raw.trim() : '';
    const i = seen.get(name.toLowerCase());
    if (i === undefined || !name) {
      bad(field, `${name ? `"${name}"` : 'an empty name'} is not a member of the rotation; members are ${memberList}`);
      return -1;
    }
    return i;
  };

  const timeZoneRaw = input.timeZone ?? ROTATION_DEFAULTS.timeZone;
  const timeZone = canonicalTimeZone(timeZoneRaw);
  if (!timeZone)
    bad(
      'timeZone',
      `"${timeZoneRaw}" is not an IANA time zone; use a name such as "Europe/London", "America/New_York" or "UTC"`,
    );

  const handoffDayRaw = (input.handoffDay ?? ROTATION_DEFAULTS.handoffDay).trim().toLowerCase();
  const handoffDay = WEEKDAYS.find((d) => d === handoffDayRaw);
  if (!handoffDay) bad('handoffDay', `"${input.handoffDay}" is not a weekday; use one of ${WEEKDAYS.join(', ')}`);

  const handoffTime = (input.handoffTime ?? ROTATION_DEFAULTS.handoffTime).trim();
  if (!isHandoffTime(handoffTime)) bad('handoffTime', `"${handoffTime}" is not a 24-hour time HH:MM such as "10:00"`);

  const rotationDays = input.rotationDays ?? ROTATION_DEFAULTS.rotationDays;
  if (
    !Number.isInteger(rotationDays) ||
    rotationDays < ROTATION_LIMITS.minRotationDays ||
    rotationDays > ROTATION_LIMITS.maxRotationDays
  ) {
    bad(
      'rotationDays',
      `must be a whole number of days from ${ROTATION_LIMITS.minRotationDays} to ${ROTATION_LIMITS.maxRotationDays}, got ${String(rotationDays)}`,
    );
  }

  const weeks = input.weeks ?? defaultWeeks(Math.max(members.length, 1));
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > ROTATION_LIMITS.maxWeeks)
    bad(
      'weeks',
      `must be a whole number of rotation periods from 1 to ${ROTATION_LIMITS.maxWeeks}, got ${String(weeks)}`,
    );

  let start = input.start?.trim() ?? '';
  if (input.start !== undefined) {
    if (!isIsoDate(start)) bad('start', `"${input.start}" is not a date YYYY-MM-DD such as "2026-11-30"`);
    else if (handoffDay && weekdayOf(start) !== handoffDay) {
      const back = (WEEKDAYS.indexOf(weekdayOf(start)) - WEEKDAYS.indexOf(handoffDay) + 7) % 7;
      bad(
        'start',
        `${start} is a ${capitalise(weekdayOf(start))}, but the handoff day is ${capitalise(handoffDay)}; start on ${addDays(start, -back)} or ${addDays(start, 7 - back)}`,
      );
    }
  } else if (handoffDay && timeZone && isHandoffTime(handoffTime)) {
    start = nextHandoffDate(now, handoffDay, handoffTime, timeZone);
  }

  const leave: NormalisedInput['leave'] = [];
  (input.unavailable ?? []).forEach((l, i) => {
    const at = `unavailable[${i}]`;
    const person = memberIndex(`${at}.person`, l.person);
    const from = typeof l.from === 'string' ? l.from.trim() : '';
    const to = typeof l.to === 'string' ? l.to.trim() : '';
    const fromOk = isIsoDate(from);
    const toOk = isIsoDate(to);
    if (!fromOk) bad(`${at}.from`, `"${from}" is not a date YYYY-MM-DD (the first day of leave)`);
    if (!toOk) bad(`${at}.to`, `"${to}" is not a date YYYY-MM-DD (the last day of leave)`);
    if (fromOk && toOk && to < from)
      bad(`${at}.to`, `${to} is before from (${from}); give the first and the last day of leave, in that order`);
    if (person >= 0 && fromOk && toOk && to >= from) leave.push({ index: i, person, from, to });
  });

  const swaps: NormalisedInput['swaps'] = [];
  const weeksOk = Number.isInteger(weeks) && weeks >= 1 && weeks <= ROTATION_LIMITS.maxWeeks;
  (input.swaps ?? []).forEach((s, i) => {
    const at = `swaps[${i}]`;
    const from = memberIndex(`${at}.from`, s.from);
    const to = memberIndex(`${at}.to`, s.to);
    let periodOk = true;
    if (typeof s.period === 'number') {
      if (!Number.isInteger(s.period) || s.period < 1 || (weeksOk && s.period > weeks)) {
        periodOk = false;
        bad(
          `${at}.period`,
          `${s.period} is not a planned period; periods are numbered 1 to ${weeksOk ? weeks : 'weeks'}`,
        );
      }
    } else if (!isIsoDate(String(s.period).trim())) {
      periodOk = false;
      bad(`${at}.period`, `"${String(s.period)}" is neither a period number nor a shift's start date YYYY-MM-DD`);
    }
    if (from >= 0 && to >= 0 && from === to)
      bad(`${at}.to`, `is the same person as from ("${members[from]}"); name who takes the shift`);
    if (from >= 0 && to >= 0 && from !== to && periodOk)
      swaps.push({ index: i, period: typeof s.period === 'number' ? s.period : String(s.period).trim(), from, to });
  });

  if (issues.length || !timeZone || !handoffDay) throw new InputError(issues);
  return {
    members,
    start,
    weeks,
    rotationDays,
    handoffDay,
    handoffTime,
    timeZone,
    secondary: input.secondary ?? ROTATION_DEFAULTS.secondary,
    leave,
    swaps,
  };
}
