import { type FieldIssue, InputError } from '../core/errors.js';
import { addDays, localDate, localDateTime, localToUtc } from './calendar.js';
import { balanceSecondaries, feasible, groupsOf } from './fairness.js';
import { ACK_MINUTES } from './limits.js';
import { normalise } from './normalise.js';
import type { Conflict, NormalisedInput, RotationInput, RotationPlan, Share, Shift } from './types.js';
import { capitalise, listNames, pct, rulesFor, span } from './wording.js';

/**
 * On-call rotation planning, as the seed describes it: weekly primary + secondary, handoff Monday
 * 10:00, each engineer primary once every N weeks and secondary the week before, nobody on call
 * during their leave, explicit swaps. Pure: the same input (and `now`, used only for the default
 * start and the "starts in the past" warning) gives the same plan.
 */

const DAY_MS = 86_400_000;

/** Who is on call in each period, as indices into `members`; null where nobody could be. */
type Assignment = (number | null)[];

/** The periods of a plan on the clock, and who is free in each. */
interface Periods {
  /** Shifts planned. */
  count: number;
  /** Handoff instants (ms) for periods 0..count+1: shift k runs [starts[k], starts[k+1]); period `count` looks ahead. */
  starts: number[];
  leave: (NormalisedInput['leave'][number] & { startMs: number; endMs: number })[];
  /** People free in each period 0..count (the look-ahead included). */
  avail: number[][];
  leaveDuring(k: number, m: number): Periods['leave'];
  onLeave(k: number): string[];
  label(k: number): string;
  startDate(k: number): string;
}

function periodsOf(cfg: NormalisedInput): Periods {
  const { members, timeZone, rotationDays: rd, weeks: P } = cfg;
  const starts = Array.from({ length: P + 2 }, (_, k) =>
    localToUtc(addDays(cfg.start, k * rd), cfg.handoffTime, timeZone).getTime(),
  );
  const leave = cfg.leave.map((l) => ({
    ...l,
    startMs: localToUtc(l.from, '00:00', timeZone).getTime(),
    endMs: localToUtc(addDays(l.to, 1), '00:00', timeZone).getTime(),
  }));
  const leaveDuring = (k: number, m: number) =>
    leave.filter((l) => l.person === m && l.startMs < starts[k + 1]! && starts[k]! < l.endMs);
  const avail = Array.from({ length: P + 1 }, (_, k) =>
    members.map((_, m) => m).filter((m) => leaveDuring(k, m).length === 0),
  );
  return {
    count: P,
    starts,
    leave,
    avail,
    leaveDuring,
    onLeave: (k) => members.filter((_, m) => !avail[k]!.includes(m)),
    label: (k) =>
      `period ${k + 1} (${localDateTime(new Date(starts[k]!), timeZone)} → ${localDateTime(new Date(starts[k + 1]!), timeZone)} ${timeZone})`,
    startDate: (k) => localDate(new Date(starts[k]!), timeZone),
  };
}

/**
 * Primaries: greedy in time order, fewest shifts first, then longest since the last one, then the
 * order given — exact round robin without leave. With leave, each choice must leave the rest of the
 * plan fair: every count between `lo` and `hi`, checked with a max flow. Index `count` is the
 * look-ahead: who would be primary after the plan, for the last shift's secondary.
 */
function assignPrimaries(cfg: NormalisedInput, periods: Periods): Assignment {
  const { members } = cfg;
  const { avail, count: P } = periods;
  const n = members.length;
  const coverable = Array.from({ length: P }, (_, k) => k).filter((k) => avail[k]!.length > 0);
  const availableCount = members.map((_, m) => coverable.filter((k) => avail[k]!.includes(m)).length);
  const allGroups = groupsOf(avail, coverable);
  const zero = members.map(() => 0);
  let hi = Math.ceil(coverable.length / n);
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

  const primary: Assignment = new Array<number | null>(P + 1).fill(null);
  const count = members.map(() => 0);
  const last = members.map(() => -1);
  const byPreference = (a: number, b: number) => count[a]! - count[b]! || last[a]! - last[b]! || a - b;
  for (let k = 0; k < P; k++) {
    const candidates = [...avail[k]!].filter((m) => count[m]! < hi).sort(byPreference);
    if (!candidates.length) continue;
    const restGroups = groupsOf(
      avail,
      coverable.filter((x) => x > k),
    );
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
    primary[k] = chosen;
    count[chosen]!++;
    last[chosen] = k;
  }
  primary[P] = [...avail[P]!].sort(byPreference)[0] ?? null;
  return primary;
}

function primaryConflicts(periods: Periods, primary: Assignment): Conflict[] {
  const conflicts: Conflict[] = [];
  for (let k = 0; k < periods.count; k++) {
    if (primary[k] !== null) continue;
    const away = periods.onLeave(k);
    conflicts.push({
      period: k + 1,
      start: new Date(periods.starts[k]!).toISOString(),
      role: 'primary',
      onLeave: away,
      reason: `Nobody can be primary in ${periods.label(k)}: ${listNames(away)} ${away.length === 1 ? 'is' : 'are'} all on leave during this shift. Ask another rotation to cover it, or move a leave.`,
    });
  }
  return conflicts;
}

/**
 * Secondaries: the next period's primary (shadowing before their own week), else whoever has been
 * secondary least, then balanced across the team where leave piled them up.
 */
function assignSecondaries(
  cfg: NormalisedInput,
  periods: Periods,
  primary: Assignment,
): { secondary: Assignment; conflicts: Conflict[] } {
  const { members } = cfg;
  const { avail, count: P } = periods;
  const n = members.length;
  const secondary: Assignment = new Array<number | null>(P).fill(null);
  const conflicts: Conflict[] = [];
  if (!cfg.secondary) return { secondary, conflicts };
  const secCount = members.map(() => 0);
  for (let k = 0; k < P; k++) {
    const p = primary[k];
    if (p === null || p === undefined) continue;
    const free = (m: number) => m !== p && avail[k]!.includes(m);
    const next = primary[k + 1];
    // Leave broke the shadow rule: whoever has been secondary least, the sooner primary the better.
    const soonest = (m: number): number => {
      const j = primary.findIndex((x, i) => i > k && x === m);
      return j < 0 ? Infinity : j;
    };
    let s: number | undefined = next !== null && next !== undefined && free(next) ? next : undefined;
    s ??= avail[k]!.filter(free).sort(
      (a, b) => secCount[a]! - secCount[b]! || soonest(a) - soonest(b) || ((a - p + n) % n) - ((b - p + n) % n),
    )[0];
    if (s === undefined) {
      const away = periods.onLeave(k);
      conflicts.push({
        period: k + 1,
        start: new Date(periods.starts[k]!).toISOString(),
        role: 'secondary',
        onLeave: away,
        reason: `No secondary in ${periods.label(k)}: only ${members[p]} is available (${listNames(away)} on leave), so a page ${members[p]} does not acknowledge within ${ACK_MINUTES} minutes escalates to nobody. Borrow a secondary from another rotation or move a leave.`,
      });
      continue;
    }
    secondary[k] = s;
    secCount[s]!++;
  }
  balanceSecondaries(primary, secondary, secCount, avail, P);
  return { secondary, conflicts };
}

/** Swaps: explicit overrides of one shift each, applied in order. InputError names every swap that cannot apply. */
function applySwaps(
  cfg: NormalisedInput,
  periods: Periods,
  primary: Assignment,
  secondary: Assignment,
  warnings: string[],
): void {
  const { members, rotationDays: rd } = cfg;
  const P = periods.count;
  const issues: FieldIssue[] = [];
  for (const swap of cfg.swaps) {
    const at = `swaps[${swap.index}]`;
    let k: number;
    if (typeof swap.period === 'number') k = swap.period - 1;
    else {
      const date = swap.period;
      k = Array.from({ length: P }, (_, i) => i).find((i) => periods.startDate(i) === date) ?? -1;
      if (k < 0) {
        const near = Array.from({ length: P }, (_, i) => periods.startDate(i)).filter(
          (d) => Math.abs(Date.parse(d) - Date.parse(date)) <= rd * DAY_MS * 2,
        );
        issues.push({
          field: `${at}.period`,
          problem: `no planned shift starts on ${date}; shifts start on ${(near.length ? near : [periods.startDate(0), periods.startDate(P - 1)]).join(', ')}${near.length ? '' : ' (first and last)'} — or give the period number`,
        });
        continue;
      }
    }
    const from = members[swap.from]!;
    const to = members[swap.to]!;
    const away = periods.leaveDuring(k, swap.to);
    if (away.length) {
      const l = away[0]!;
      issues.push({
        field: `${at}.to`,
        problem: `${to} is on leave during ${periods.label(k)} (unavailable[${l.index}]: ${l.from} → ${l.to}); the swap would put them on call during their leave — pick someone who is available`,
      });
      continue;
    }
    if (primary[k] === swap.from) {
      if (secondary[k] === swap.to) {
        secondary[k] = swap.from;
        warnings.push(
          `Swap ${at}: ${to} was already secondary in period ${k + 1}, so ${from} and ${to} trade roles (${to} primary, ${from} secondary).`,
        );
      }
      primary[k] = swap.to;
    } else if (secondary[k] === swap.from) {
      if (primary[k] === swap.to) {
        primary[k] = swap.from;
        warnings.push(
          `Swap ${at}: ${to} was already primary in period ${k + 1}, so ${from} and ${to} trade roles (${from} primary, ${to} secondary).`,
        );
      }
      secondary[k] = swap.to;
    } else {
      const p = primary[k];
      const s = secondary[k];
      issues.push({
        field: `${at}.from`,
        problem: `${from} is not on call in period ${k + 1} (primary ${p === null || p === undefined ? 'nobody' : members[p]}, secondary ${s === null || s === undefined ? 'nobody' : members[s]}); name the person who gives the shift away`,
      });
    }
  }
  if (issues.length)
    throw new InputError(issues, 'Fix the swaps named above (the plan before swaps is unchanged), then call again.');
}

function spreadOf(members: readonly string[], assignment: Assignment, P: number): number {
  const counts = members.map((_, m) => assignment.slice(0, P).filter((x) => x === m).length);
  return Math.max(...counts) - Math.min(...counts);
}

function sharesOf(members: readonly string[], shifts: readonly Shift[]): Record<string, Share> {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const shares: Record<string, Share> = {};
  for (const m of members) {
    const primaryShifts = shifts.filter((s) => s.primary === m).length;
    const secondaryShifts = shifts.filter((s) => s.secondary === m).length;
    shares[m] = {
      primaryShifts,
      secondaryShifts,
      primaryShare: round(primaryShifts / shifts.length),
      secondaryShare: round(secondaryShifts / shifts.length),
    };
  }
  return shares;
}

/** What the team should know about the plan (after what the swaps did): sustainability first, then the plan's own caveats. */
function planWarnings(
  cfg: NormalisedInput,
  periods: Periods,
  shares: Record<string, Share>,
  fairness: RotationPlan['fairness'],
  spreadBeforeSwaps: number,
  now: Date,
): string[] {
  const { members, rotationDays: rd, timeZone } = cfg;
  const n = members.length;
  const P = periods.count;
  const { starts } = periods;
  const duty = Math.min(1, (cfg.secondary ? 2 : 1) / n);
  const warnings: string[] = [];
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
  for (const l of periods.leave) {
    if (l.endMs <= starts[0]! || l.startMs >= starts[P]!)
      warnings.push(
        `unavailable[${l.index}] (${members[l.person]} ${l.from} → ${l.to}) is outside the planned shifts (${periods.startDate(0)} → ${localDate(new Date(starts[P]!), timeZone)}); ignored.`,
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
  return warnings;
}

/**
 * Plans `weeks` rotation periods. Primary: round robin in the order given, as even as leave allows
 * (counts within 1 with no leave); secondary: the next period's primary ("secondary the week
 * before"), or the next available person when that one is on leave. Swaps are applied last, as
 * overrides of the named shift. Throws InputError naming the field for anything it cannot plan.
 */
export function planRotation(input: RotationInput, now: Date = new Date()): RotationPlan {
  const cfg = normalise(input, now);
  const { members, timeZone } = cfg;
  const periods = periodsOf(cfg);
  const P = periods.count;
  const primary = assignPrimaries(cfg, periods);
  const { secondary, conflicts: secondaryConflicts } = assignSecondaries(cfg, periods, primary);
  const spreadBeforeSwaps = spreadOf(members, primary, P);
  const swapWarnings: string[] = [];
  applySwaps(cfg, periods, primary, secondary, swapWarnings);

  const name = (i: number | null | undefined): string | null => (i === null || i === undefined ? null : members[i]!);
  const shifts: Shift[] = Array.from({ length: P }, (_, k) => ({
    period: k + 1,
    start: new Date(periods.starts[k]!).toISOString(),
    end: new Date(periods.starts[k + 1]!).toISOString(),
    startLocal: localDateTime(new Date(periods.starts[k]!), timeZone),
    endLocal: localDateTime(new Date(periods.starts[k + 1]!), timeZone),
    primary: name(primary[k]),
    secondary: name(secondary[k]),
  }));
  const shares = sharesOf(members, shifts);
  const spread = (key: 'primaryShifts' | 'secondaryShifts') => {
    const values = Object.values(shares).map((s) => s[key]);
    return Math.max(...values) - Math.min(...values);
  };
  const fairness = {
    maxMinusMinPrimary: spread('primaryShifts'),
    maxMinusMinSecondary: cfg.secondary ? spread('secondaryShifts') : 0,
  };
  const duty = Math.min(1, (cfg.secondary ? 2 : 1) / members.length);

  return {
    settings: {
      members,
      start: cfg.start,
      weeks: P,
      rotationDays: cfg.rotationDays,
      handoffDay: cfg.handoffDay,
      handoffTime: cfg.handoffTime,
      timeZone,
      secondary: cfg.secondary,
    },
    shifts,
    shares,
    fairness,
    conflicts: [...primaryConflicts(periods, primary), ...secondaryConflicts].sort(
      (a, b) => a.period - b.period || a.role.localeCompare(b.role),
    ),
    rules: rulesFor(cfg, duty),
    warnings: [...swapWarnings, ...planWarnings(cfg, periods, shares, fairness, spreadBeforeSwaps, now)],
  };
}
