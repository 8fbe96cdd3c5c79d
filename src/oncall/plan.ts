import { ANY_CONTROL as CONTROL } from '../core/control.js';
import { InputError, type FieldIssue } from '../core/errors.js';

/**
 * On-call rotation planning, as the seed describes it: weekly primary + secondary, handoff Monday
 * 10:00, each engineer primary once every N weeks and secondary the week before, nobody on call
 * during their leave, explicit swaps. Pure: the same input (and `now`, used only for the default
 * start and the "starts in the past" warning) gives the same plan.
 */

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const ROTATION_LIMITS = {
  minMembers: 2,
  maxMembers: 50,
  maxWeeks: 104,
  minRotationDays: 1,
  maxRotationDays: 28,
  defaultMinPeriods: 12,
} as const;
export const ROTATION_DEFAULTS = {
  rotationDays: 7,
  handoffDay: 'monday',
  handoffTime: '10:00',
  timeZone: 'UTC',
  secondary: true,
} as const;
/** The seed's acknowledgement window: a primary who does not acknowledge in this time is escalated past. */
export const ACK_MINUTES = 15;

export interface Leave {
  person: string;
  /** First day of leave, `YYYY-MM-DD`, in the rotation's time zone (inclusive). */
  from: string;
  /** Last day of leave, `YYYY-MM-DD` (inclusive). */
  to: string;
}

export interface Swap {
  /** 1-based period number, or the `YYYY-MM-DD` local date the shift starts on. */
  period: number | string;
  /** Who is on call (primary or secondary) in that period and gives the shift away. */
  from: string;
  /** Who takes it. */
  to: string;
}

export interface RotationInput {
  members: readonly string[];
  start?: string | undefined;
  weeks?: number | undefined;
  rotationDays?: number | undefined;
  handoffDay?: string | undefined;
  handoffTime?: string | undefined;
  timeZone?: string | undefined;
  secondary?: boolean | undefined;
  unavailable?: readonly Leave[] | undefined;
  swaps?: readonly Swap[] | undefined;
}

export interface Shift {
  /** 1-based. */
  period: number;
  /** UTC instant of the handoff that starts the shift. */
  start: string;
  end: string;
  /** `YYYY-MM-DD HH:MM` in the rotation's time zone. */
  startLocal: string;
  endLocal: string;
  /** Null only when everyone is on leave during the shift (see conflicts). */
  primary: string | null;
  /** Null when the plan has no secondary, or nobody else is available (see conflicts). */
  secondary: string | null;
}

export interface Share {
  primaryShifts: number;
  secondaryShifts: number;
  /** Fraction of the planned shifts, 0–1. */
  primaryShare: number;
  secondaryShare: number;
}

export interface Conflict {
  period: number;
  start: string;
  role: 'primary' | 'secondary';
  onLeave: string[];
  reason: string;
}

/** The plan's settings after defaults: echoed in the plan so a reader sees what was applied. */
export interface RotationSettings {
  members: string[];
  start: string;
  weeks: number;
  rotationDays: number;
  handoffDay: Weekday;
  handoffTime: string;
  timeZone: string;
  secondary: boolean;
}

export interface RotationPlan {
  settings: RotationSettings;
  shifts: Shift[];
  shares: Record<string, Share>;
  fairness: { maxMinusMinPrimary: number; maxMinusMinSecondary: number };
  conflicts: Conflict[];
  rules: string[];
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Dates and time zones

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

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pct(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** "day", "week", "2 weeks", "10 days". */
function span(days: number): string {
  if (days === 1) return 'day';
  if (days === 7) return 'week';
  if (days % 7 === 0) return `${days / 7} weeks`;
  return `${days} days`;
}

/** "6-week", "10-day": a cycle's length as an adjective. */
function cycle(days: number): string {
  return days % 7 === 0 ? `${days / 7}-week` : `${days}-day`;
}

function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Max flow (Dinic), for "can the remaining shifts still be shared fairly?"

class FlowNetwork {
  private readonly head: number[];
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly next: number[] = [];
  private level: number[] = [];
  private iter: number[] = [];

  constructor(private readonly size: number) {
    this.head = new Array<number>(size).fill(-1);
  }

  add(u: number, v: number, c: number): void {
    for (const [a, b, cc] of [
      [u, v, c],
      [v, u, 0],
    ] as const) {
      this.to.push(b);
      this.cap.push(cc);
      this.next.push(this.head[a]!);
      this.head[a] = this.to.length - 1;
    }
  }

  maxFlow(s: number, t: number): number {
    let flow = 0;
    for (;;) {
      this.level = new Array<number>(this.size).fill(-1);
      this.level[s] = 0;
      const queue = [s];
      for (let qi = 0; qi < queue.length; qi++) {
        const u = queue[qi]!;
        for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
          const v = this.to[e]!;
          if (this.cap[e]! > 0 && this.level[v] === -1) {
            this.level[v] = this.level[u]! + 1;
            queue.push(v);
          }
        }
      }
      if (this.level[t] === -1) return flow;
      this.iter = [...this.head];
      for (let f = this.push(s, t, Infinity); f > 0; f = this.push(s, t, Infinity)) flow += f;
    }
  }

  private push(u: number, t: number, limit: number): number {
    if (u === t) return limit;
    for (let e = this.iter[u]!; e !== -1; e = this.next[e]!, this.iter[u] = e) {
      const v = this.to[e]!;
      if (this.cap[e]! > 0 && this.level[v] === this.level[u]! + 1) {
        const got = this.push(v, t, Math.min(limit, this.cap[e]!));
        if (got > 0) {
          this.cap[e] = this.cap[e]! - got;
          this.cap[e ^ 1] = this.cap[e ^ 1]! + got;
          return got;
        }
      }
    }
    return 0;
  }
}

/** Periods with the same people available, counted: leave is sparse, so there are few groups. */
interface Group {
  count: number;
  people: number[];
}

function groupsOf(avail: readonly (readonly number[])[], periods: readonly number[]): Group[] {
  const bySig = new Map<string, Group>();
  for (const p of periods) {
    const people = avail[p]!;
    const sig = people.join(',');
    const g = bySig.get(sig);
    if (g) g.count++;
    else bySig.set(sig, { count: 1, people: [...people] });
  }
  return [...bySig.values()];
}

/** Most periods that can be given out with person i taking at most caps[i]. */
function maxAssignable(groups: readonly Group[], caps: readonly number[]): number {
  const n = caps.length;
  const sink = 1 + groups.length + n;
  const net = new FlowNetwork(sink + 1);
  groups.forEach((g, gi) => {
    net.add(0, 1 + gi, g.count);
    for (const m of g.people) net.add(1 + gi, 1 + groups.length + m, g.count);
  });
  caps.forEach((c, m) => {
    if (c > 0) net.add(1 + groups.length + m, sink, c);
  });
  return net.maxFlow(0, sink);
}

/**
 * Can every period be given a primary with person i taking between needs[i] and caps[i] shifts?
 * By the Mendelsohn–Dulmage theorem it is enough that all periods fit under the caps and that the
 * needs can be met (each on their own).
 */
function feasible(groups: readonly Group[], caps: readonly number[], needs: readonly number[]): boolean {
  const total = groups.reduce((s, g) => s + g.count, 0);
  if (maxAssignable(groups, caps) !== total) return false;
  const needed = needs.reduce((s, x) => s + x, 0);
  return needed === 0 || maxAssignable(groups, needs) === needed;
}

// ---------------------------------------------------------------------------------------------
// Validation

interface Normalised extends RotationSettings {
  leave: { index: number; person: number; from: string; to: string }[];
  swaps: { index: number; period: number | string; from: number; to: number }[];
}

/**
 * Leave can pile secondaries on a few people. While someone has two more secondary shifts than
 * someone else, look for a chain of hand-overs that moves one shift from the first to the second
 * (A takes B's week, B takes C's, ...: each person in between keeps their count), each to someone
 * free that week and not its primary. Shifts that break the shadow rule move first. Each chain
 * lowers the sum of squared counts, so this ends; when no chain exists, leave makes it as even as it can be.
 */
function balanceSecondaries(
  primaryIdx: readonly (number | null)[],
  secondaryIdx: (number | null)[],
  counts: number[],
  avail: readonly (readonly number[])[],
  P: number,
): void {
  const shadow = (k: number): boolean => secondaryIdx[k] === primaryIdx[k + 1];
  for (;;) {
    const order = [...Array(P).keys()].sort((a, b) => Number(shadow(a)) - Number(shadow(b)) || a - b);
    const heavy = [...counts.keys()].sort((a, b) => counts[b]! - counts[a]!);
    let chain: { period: number; to: number }[] | null = null;
    for (const from of heavy) {
      const via = new Map<number, { period: number; prev: number }>();
      const queue = [from];
      let end: number | undefined;
      while (queue.length && end === undefined) {
        const x = queue.shift()!;
        for (const k of order) {
          if (secondaryIdx[k] !== x) continue;
          for (const y of avail[k]!) {
            if (y === from || y === x || y === primaryIdx[k] || via.has(y)) continue;
            via.set(y, { period: k, prev: x });
            if (counts[y]! <= counts[from]! - 2) end = y;
            else queue.push(y);
            if (end !== undefined) break;
          }
          if (end !== undefined) break;
        }
      }
      if (end === undefined) continue;
      chain = [];
      for (let y = end; y !== from; y = via.get(y)!.prev) chain.push({ period: via.get(y)!.period, to: y });
      break;
    }
    if (!chain) return;
    const from = secondaryIdx[chain[chain.length - 1]!.period]!;
    for (const { period, to } of chain) secondaryIdx[period] = to;
    counts[from]!--;
    counts[chain[0]!.to]!++;
  }
}

function defaultWeeks(n: number): number {
  return Math.min(ROTATION_LIMITS.maxWeeks, Math.ceil(ROTATION_LIMITS.defaultMinPeriods / n) * n);
}

function normalise(input: RotationInput, now: Date): Normalised {
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

  const leave: Normalised['leave'] = [];
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

  const swaps: Normalised['swaps'] = [];
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

// ---------------------------------------------------------------------------------------------
// Planning

/**
 * Plans `weeks` rotation periods. Primary: round robin in the order given, as even as leave allows
 * (counts within 1 with no leave); secondary: the next period's primary ("secondary the week
 * before"), or the next available person when that one is on leave. Swaps are applied last, as
 * overrides of the named shift. Throws InputError naming the field for anything it cannot plan.
 */
export function planRotation(input: RotationInput, now: Date = new Date()): RotationPlan {
  const cfg = normalise(input, now);
  const { members, timeZone, rotationDays: rd } = cfg;
  const n = members.length;
  const P = cfg.weeks;

  // Handoff instants for periods 0..P+1: shift k runs [starts[k], starts[k+1]); period P is a look-ahead.
  const startDates = Array.from({ length: P + 2 }, (_, k) => addDays(cfg.start, k * rd));
  const starts = startDates.map((d) => localToUtc(d, cfg.handoffTime, timeZone).getTime());
  const leaveSpans = cfg.leave.map((l) => ({
    ...l,
    startMs: localToUtc(l.from, '00:00', timeZone).getTime(),
    endMs: localToUtc(addDays(l.to, 1), '00:00', timeZone).getTime(),
  }));
  const leaveDuring = (k: number, m: number) =>
    leaveSpans.filter((l) => l.person === m && l.startMs < starts[k + 1]! && starts[k]! < l.endMs);
  const avail = Array.from({ length: P + 1 }, (_, k) =>
    members.map((_, m) => m).filter((m) => leaveDuring(k, m).length === 0),
  );
  const onLeaveNames = (k: number) => members.filter((_, m) => !avail[k]!.includes(m));

  const warnings: string[] = [];
  const conflicts: Conflict[] = [];
  const shiftLabel = (k: number) =>
    `period ${k + 1} (${localDateTime(new Date(starts[k]!), timeZone)} → ${localDateTime(new Date(starts[k + 1]!), timeZone)} ${timeZone})`;

  // Primaries: greedy in time order, fewest shifts first, then longest since the last one, then
  // the order given — exact round robin without leave. With leave, each choice must leave the rest
  // of the plan fair: every count between `lo` and `hi`, checked with a max flow.
  const coverable = Array.from({ length: P }, (_, k) => k).filter((k) => avail[k]!.length > 0);
  const availableCount = members.map((_, m) => coverable.filter((k) => avail[k]!.includes(m)).length);
  let hi = Math.ceil(coverable.length / n);
  const allGroups = groupsOf(avail, coverable);
  const zero = members.map(() => 0);
  while (
    !feasible(
      allGroups,
      members.map(() => hi),
      zero,
    )
  )
    hi++;
  let floorLevel = Math.floor(coverable.length / n);
  let lo = availableCount.map((a) => Math.min(a, floorLevel));
  while (
    floorLevel > 0 &&
    !feasible(
      allGroups,
      members.map(() => hi),
      lo,
    )
  ) {
    floorLevel--;
    lo = availableCount.map((a) => Math.min(a, floorLevel));
  }

  const primaryIdx: (number | null)[] = new Array<number | null>(P + 1).fill(null);
  const count = members.map(() => 0);
  const last = members.map(() => -1);
  const byPreference = (a: number, b: number) => count[a]! - count[b]! || last[a]! - last[b]! || a - b;
  for (let k = 0; k < P; k++) {
    const candidates = [...avail[k]!].filter((m) => count[m]! < hi).sort(byPreference);
    if (!candidates.length) continue;
    const rest = coverable.filter((x) => x > k);
    const restGroups = groupsOf(avail, rest);
    let chosen = candidates[0]!;
    for (const m of candidates) {
      count[m]!++;
      const ok = feasible(
        restGroups,
        members.map((_, i) => hi - count[i]!),
        members.map((_, i) => Math.max(0, lo[i]! - count[i]!)),
      );
      count[m]!--;
      if (ok) {
        chosen = m;
        break;
      }
    }
    primaryIdx[k] = chosen;
    count[chosen]!++;
    last[chosen] = k;
  }
  // Look-ahead: who would be primary in the period after the plan, for the last shift's secondary.
  primaryIdx[P] = [...avail[P]!].sort(byPreference)[0] ?? null;

  for (let k = 0; k < P; k++) {
    if (primaryIdx[k] === null) {
      const away = onLeaveNames(k);
      conflicts.push({
        period: k + 1,
        start: new Date(starts[k]!).toISOString(),
        role: 'primary',
        onLeave: away,
        reason: `Nobody can be primary in ${shiftLabel(k)}: ${listNames(away)} ${away.length === 1 ? 'is' : 'are'} all on leave during this shift. Ask another rotation to cover it, or move a leave.`,
      });
    }
  }

  // Secondaries: the next period's primary (shadowing before their own week), else whoever has been
  // secondary least.
  const secondaryIdx: (number | null)[] = new Array<number | null>(P).fill(null);
  if (cfg.secondary) {
    const secCount = members.map(() => 0);
    for (let k = 0; k < P; k++) {
      const p = primaryIdx[k];
      if (p === null || p === undefined) continue;
      const free = (m: number) => m !== p && avail[k]!.includes(m);
      const next = primaryIdx[k + 1];
      // Leave broke the shadow rule: whoever has been secondary least, the sooner primary the better.
      const soonest = (m: number): number => {
        const j = primaryIdx.findIndex((x, i) => i > k && x === m);
        return j < 0 ? Infinity : j;
      };
      let s: number | undefined = next !== null && next !== undefined && free(next) ? next : undefined;
      s ??= avail[k]!.filter(free).sort(
        (a, b) => secCount[a]! - secCount[b]! || soonest(a) - soonest(b) || ((a - p + n) % n) - ((b - p + n) % n),
      )[0];
      if (s === undefined) {
        const away = onLeaveNames(k);
        conflicts.push({
          period: k + 1,
          start: new Date(starts[k]!).toISOString(),
          role: 'secondary',
          onLeave: away,
          reason: `No secondary in ${shiftLabel(k)}: only ${members[p]} is available (${listNames(away)} on leave), so a page ${members[p]} does not acknowledge within ${ACK_MINUTES} minutes escalates to nobody. Borrow a secondary from another rotation or move a leave.`,
        });
        continue;
      }
      secondaryIdx[k] = s;
      secCount[s]!++;
    }
    balanceSecondaries(primaryIdx, secondaryIdx, secCount, avail, P);
  }

  const spreadOf = (idx: readonly (number | null)[]) => {
    const counts = members.map((_, m) => idx.slice(0, P).filter((x) => x === m).length);
    return Math.max(...counts) - Math.min(...counts);
  };
  const spreadBeforeSwaps = spreadOf(primaryIdx);

  // Swaps: explicit overrides of one shift, applied in order.
  const issues: FieldIssue[] = [];
  const startDateOf = (k: number) => localDate(new Date(starts[k]!), timeZone);
  for (const swap of cfg.swaps) {
    const at = `swaps[${swap.index}]`;
    let k: number;
    if (typeof swap.period === 'number') k = swap.period - 1;
    else {
      const date = swap.period;
      k = Array.from({ length: P }, (_, i) => i).find((i) => startDateOf(i) === date) ?? -1;
      if (k < 0) {
        const near = Array.from({ length: P }, (_, i) => startDateOf(i)).filter(
          (d) => Math.abs(Date.parse(d) - Date.parse(date)) <= rd * DAY_MS * 2,
        );
        issues.push({
          field: `${at}.period`,
          problem: `no planned shift starts on ${date}; shifts start on ${(near.length ? near : [startDateOf(0), startDateOf(P - 1)]).join(', ')}${near.length ? '' : ' (first and last)'} — or give the period number`,
        });
        continue;
      }
    }
    const from = members[swap.from]!;
    const to = members[swap.to]!;
    const away = leaveDuring(k, swap.to);
    if (away.length) {
      const l = away[0]!;
      issues.push({
        field: `${at}.to`,
        problem: `${to} is on leave during ${shiftLabel(k)} (unavailable[${l.index}]: ${l.from} → ${l.to}); the swap would put them on call during their leave — pick someone who is available`,
      });
      continue;
    }
    if (primaryIdx[k] === swap.from) {
      if (secondaryIdx[k] === swap.to) {
        secondaryIdx[k] = swap.from;
        warnings.push(
          `Swap ${at}: ${to} was already secondary in period ${k + 1}, so ${from} and ${to} trade roles (${to} primary, ${from} secondary).`,
        );
      }
      primaryIdx[k] = swap.to;
    } else if (secondaryIdx[k] === swap.from) {
      if (primaryIdx[k] === swap.to) {
        primaryIdx[k] = swap.from;
        warnings.push(
          `Swap ${at}: ${to} was already primary in period ${k + 1}, so ${from} and ${to} trade roles (${from} primary, ${to} secondary).`,
        );
      }
      secondaryIdx[k] = swap.to;
    } else {
      const p = primaryIdx[k];
      const s = secondaryIdx[k];
      issues.push({
        field: `${at}.from`,
        problem: `${from} is not on call in period ${k + 1} (primary ${p === null || p === undefined ? 'nobody' : members[p]}, secondary ${s === null || s === undefined ? 'nobody' : members[s]}); name the person who gives the shift away`,
      });
    }
  }
  if (issues.length)
    throw new InputError(issues, 'Fix the swaps named above (the plan before swaps is unchanged), then call again.');

  const shifts: Shift[] = Array.from({ length: P }, (_, k) => {
    const p = primaryIdx[k];
    const s = secondaryIdx[k];
    return {
      period: k + 1,
      start: new Date(starts[k]!).toISOString(),
      end: new Date(starts[k + 1]!).toISOString(),
      startLocal: localDateTime(new Date(starts[k]!), timeZone),
      endLocal: localDateTime(new Date(starts[k + 1]!), timeZone),
      primary: p === null || p === undefined ? null : members[p]!,
      secondary: s === null || s === undefined ? null : members[s]!,
    };
  });

  const round = (x: number) => Math.round(x * 1000) / 1000;
  const shares: Record<string, Share> = {};
  for (const m of members) {
    const primaryShifts = shifts.filter((s) => s.primary === m).length;
    const secondaryShifts = shifts.filter((s) => s.secondary === m).length;
    shares[m] = {
      primaryShifts,
      secondaryShifts,
      primaryShare: round(primaryShifts / P),
      secondaryShare: round(secondaryShifts / P),
    };
  }
  const spread = (key: 'primaryShifts' | 'secondaryShifts') => {
    const values = Object.values(shares).map((s) => s[key]);
    return Math.max(...values) - Math.min(...values);
  };
  const fairness = {
    maxMinusMinPrimary: spread('primaryShifts'),
    maxMinusMinSecondary: cfg.secondary ? spread('secondaryShifts') : 0,
  };

  // Warnings: sustainability first, then the plan's own caveats.
  const dutyPeriods = cfg.secondary ? 2 : 1;
  const duty = Math.min(1, dutyPeriods / n);
  if (n <= 3) {
    warnings.push(
      n === 2
        ? `A team of 2 is on call ${pct(duty)} of the time (${cfg.secondary ? 'primary every other period and secondary the rest' : 'primary every other period'}): unsustainable — it burns people out. Merge with a neighbouring team's rotation, page out of hours only for SLO burn, or run business-hours-only on-call with escalation to a wider pool.`
        : `A team of 3 is on call ${pct(duty)} of the time (${cfg.secondary ? `two ${span(rd)}s in three` : `one ${span(rd)} in three`}): too much to sustain — share the secondary with another team, or page out of hours only for SLO burn.`,
    );
  }
  if (n >= 9)
    warnings.push(
      `With ${n} people each is primary only once every ${span(n * rd)}: skills fade between shifts — add shadow shifts for new joiners and a game day each quarter.`,
    );
  if (rd > 7)
    warnings.push(
      `A ${rd}-day rotation is longer than a week: fatigue builds over a long shift and a bad week becomes a bad fortnight — prefer weekly handoffs.`,
    );
  if (rd % 7 !== 0)
    warnings.push(
      `A ${rd}-day rotation does not hand off on the same weekday each time: only the first handoff is on a ${capitalise(cfg.handoffDay)}.`,
    );
  if (!cfg.secondary)
    warnings.push(
      `No secondary: a page the primary does not acknowledge within ${ACK_MINUTES} minutes has no backup in this rotation — name who it escalates to.`,
    );
  if (P < n)
    warnings.push(
      `The plan covers ${P} period(s) for ${n} people, so ${n - P} of them get no primary shift in it; plan at least ${n} periods to see a whole cycle.`,
    );
  for (const l of leaveSpans) {
    if (l.endMs <= starts[0]! || l.startMs >= starts[P]!)
      warnings.push(
        `unavailable[${l.index}] (${members[l.person]} ${l.from} → ${l.to}) is outside the planned shifts (${startDateOf(0)} → ${localDate(new Date(starts[P]!), timeZone)}); ignored.`,
      );
  }
  if (fairness.maxMinusMinPrimary > 1) {
    const entries = Object.entries(shares);
    const most = entries.reduce((a, b) => (b[1].primaryShifts > a[1].primaryShifts ? b : a));
    const least = entries.reduce((a, b) => (b[1].primaryShifts < a[1].primaryShifts ? b : a));
    const cause =
      spreadBeforeSwaps > 1 ? (fairness.maxMinusMinPrimary > spreadBeforeSwaps ? 'leave and swaps' : 'leave') : 'swaps';
    warnings.push(
      `Primary shifts are uneven because of ${cause}: ${most[0]} has ${most[1].primaryShifts}, ${least[0]} has ${least[1].primaryShifts} — even them out in the next plan.`,
    );
  }
  if (starts[0]! < now.getTime())
    warnings.push(`The plan starts in the past (${localDateTime(new Date(starts[0]!), timeZone)} ${timeZone}).`);

  return {
    settings: {
      members,
      start: cfg.start,
      weeks: P,
      rotationDays: rd,
      handoffDay: cfg.handoffDay,
      handoffTime: cfg.handoffTime,
      timeZone,
      secondary: cfg.secondary,
    },
    shifts,
    shares,
    fairness,
    conflicts: conflicts.sort((a, b) => a.period - b.period || a.role.localeCompare(b.role)),
    rules: rulesFor(cfg, duty),
    warnings,
  };
}

function rulesFor(cfg: Normalised, duty: number): string[] {
  const n = cfg.members.length;
  const rd = cfg.rotationDays;
  const day = capitalise(cfg.handoffDay);
  const cadence = rd === 7 ? 'Weekly' : `Every ${span(rd)}:`;
  const when =
    rd % 7 === 0
      ? `every ${rd === 7 ? '' : `${rd / 7}${rd / 7 === 2 ? 'nd' : rd / 7 === 3 ? 'rd' : 'th'} `}${day} at ${cfg.handoffTime} (${cfg.timeZone})`
      : `at ${cfg.handoffTime} (${cfg.timeZone}) every ${span(rd)}, starting ${day} ${cfg.start}`;
  const dutyText = cfg.secondary
    ? `each engineer is primary once every ${span(n * rd)} and secondary the ${span(rd)} before (shadow and backup): ${span(2 * rd)} of duty per ${cycle(n * rd)} cycle, ${pct(duty)} of the time`
    : `each engineer is primary once every ${span(n * rd)}: ${pct(duty)} of the time`;
  return [
    `${cadence} primary${cfg.secondary ? ' + secondary' : ''}, handing off ${when} — in business hours, so the handoff is a conversation, not a note.`,
    `Team of ${n}: ${dutyText}.`,
    cfg.secondary
      ? `The primary acknowledges a page within ${ACK_MINUTES} minutes; if not, it escalates to the secondary automatically.`
      : `The primary acknowledges a page within ${ACK_MINUTES} minutes; if not, it escalates per the escalation policy (this rotation has no secondary).`,
    'No on-call during leave: nobody is scheduled on a day of their leave; swap shifts in advance through an explicit swap, recorded in the plan and the paging tool.',
    'Compensate on-call with time off or a stipend — unrewarded on-call leads to attrition.',
    'Every alert that pages has a runbook; if there is no runbook, the alert should not page.',
    `Weekly on-call review${rd === 7 ? ` at the ${day} ${cfg.handoffTime} handoff` : ''}: the outgoing on-call shares what happened and which alerts were noise.`,
  ];
}
