import { describe, expect, it } from 'vitest';
import { InputError, type FieldIssue } from '../core/errors.js';
import { localToUtc, nextHandoffDate } from './calendar.js';
import { planRotation } from './plan.js';
import type { RotationInput, RotationPlan } from './types.js';

const NOW = new Date('2026-11-26T14:00:00Z'); // a Thursday
const TEAM3 = ['Ana', 'Ben', 'Chi'];
const TEAM6 = ['Ana', 'Ben', 'Chi', 'Dee', 'Eve', 'Fay'];
const TEAM10 = ['Ana', 'Ben', 'Chi', 'Dee', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo'];

function plan(input: Partial<RotationInput>, now: Date = NOW): RotationPlan {
  return planRotation({ members: TEAM6, start: '2026-11-30', ...input }, now);
}

function issuesOf(fn: () => unknown): FieldIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  throw new Error('expected an InputError');
}

const counts = (p: RotationPlan, role: 'primary' | 'secondary') =>
  p.settings.members.map((m) => p.shifts.filter((s) => s[role] === m).length);
const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
const HOUR = 3_600_000;

/** Independent check of "nobody on call on a day of their leave", for UTC plans: whole UTC days. */
function onLeave(
  leave: readonly { person: string; from: string; to: string }[],
  person: string,
  shift: { start: string; end: string },
): boolean {
  return leave.some(
    (l) =>
      l.person === person &&
      Date.parse(`${l.from}T00:00:00Z`) < Date.parse(shift.end) &&
      Date.parse(shift.start) < Date.parse(`${l.to}T00:00:00Z`) + 24 * HOUR,
  );
}

describe('planRotation without leave', () => {
  it.each([
    [TEAM3, 3, '67%'],
    [TEAM6, 6, '33%'],
    [TEAM10, 10, '20%'],
  ])("team of %#: round robin, shares within 1, secondary is next week's primary", (members, n, duty) => {
    const weeks = 2 * n + 1; // two whole cycles and one more week: counts must differ by exactly 1
    const p = planRotation({ members, start: '2026-11-30', weeks }, NOW);
    expect(p.shifts).toHaveLength(weeks);
    p.shifts.forEach((s, k) => {
      expect(s.period).toBe(k + 1);
      expect(s.primary).toBe(members[k % n]);
      expect(s.secondary).toBe(members[(k + 1) % n]);
      expect(s.secondary).not.toBe(s.primary);
      if (k > 0) expect(s.start).toBe(p.shifts[k - 1]!.end);
      if (k + 1 < weeks) expect(s.secondary).toBe(p.shifts[k + 1]!.primary);
    });
    expect(spread(counts(p, 'primary'))).toBe(1);
    expect(p.fairness).toEqual({ maxMinusMinPrimary: 1, maxMinusMinSecondary: 1 });
    expect(p.shares['Ana']).toEqual({
      primaryShifts: 3,
      secondaryShifts: 2,
      primaryShare: Math.round((3 / weeks) * 1000) / 1000,
      secondaryShare: Math.round((2 / weeks) * 1000) / 1000,
    });
    expect(p.conflicts).toEqual([]);
    expect(p.rules.join('\n')).toContain(
      `Team of ${n}: each engineer is primary once every ${n} weeks and secondary the week before`,
    );
    expect(p.rules.join('\n')).toContain(`2 weeks of duty per ${n}-week cycle, ${duty} of the time`);
    expect(p.rules.join('\n')).toMatch(/acknowledges a page within 15 minutes; if not, it escalates to the secondary/);
    expect(p.rules.join('\n')).toMatch(
      /No on-call during leave[\s\S]*Compensate on-call[\s\S]*runbook[\s\S]*Weekly on-call review at the Monday 10:00 handoff/,
    );
  });

  it('starts at the handoff: Monday 10:00 UTC by default, weekly, whole cycles of at least 12 weeks', () => {
    const p = plan({});
    expect(p.settings).toMatchObject({
      start: '2026-11-30',
      weeks: 12,
      rotationDays: 7,
      handoffDay: 'monday',
      handoffTime: '10:00',
      timeZone: 'UTC',
      secondary: true,
    });
    expect(p.shifts[0]).toMatchObject({
      start: '2026-11-30T10:00:00.000Z',
      end: '2026-12-07T10:00:00.000Z',
      startLocal: '2026-11-30 10:00',
    });
    expect(planRotation({ members: TEAM10, start: '2026-11-30' }, NOW).settings.weeks).toBe(20);
    expect(planRotation({ members: TEAM3, start: '2026-11-30' }, NOW).settings.weeks).toBe(12);
  });

  it('warns that a team of 2 or 3 cannot sustain it, and about long rotations', () => {
    expect(planRotation({ members: TEAM3, start: '2026-11-30' }, NOW).warnings.join('\n')).toMatch(
      /team of 3 is on call 67% of the time.*too much to sustain/,
    );
    expect(planRotation({ members: ['Ana', 'Ben'], start: '2026-11-30' }, NOW).warnings.join('\n')).toMatch(
      /team of 2 is on call 100% of the time.*unsustainable/,
    );
    expect(plan({}).warnings).toEqual([]);
    const fortnight = plan({ rotationDays: 14, weeks: 6 });
    expect(fortnight.warnings.join('\n')).toMatch(/14-day rotation is longer than a week/);
    expect(fortnight.shifts[1]!.start).toBe('2026-12-14T10:00:00.000Z');
    expect(fortnight.rules[1]).toContain('primary once every 12 weeks and secondary the 2 weeks before');
    expect(plan({ rotationDays: 3 }).warnings.join('\n')).toMatch(/does not hand off on the same weekday/);
  });

  it('plans without a secondary when asked, and says who the escalation goes to is missing', () => {
    const p = plan({ secondary: false });
    expect(p.shifts.every((s) => s.secondary === null)).toBe(true);
    expect(p.fairness.maxMinusMinSecondary).toBe(0);
    expect(p.warnings.join('\n')).toMatch(/No secondary/);
    expect(p.rules[1]).toBe('Team of 6: each engineer is primary once every 6 weeks: 17% of the time.');
  });

  it('is deterministic', () => {
    const input = {
      members: TEAM6,
      start: '2026-11-30',
      unavailable: [{ person: 'Ben', from: '2026-12-01', to: '2026-12-20' }],
    };
    expect(planRotation(input, NOW)).toEqual(planRotation(input, NOW));
  });

  it("defaults the start to the next handoff day, in the rotation's time zone", () => {
    expect(plan({ start: undefined }).settings.start).toBe('2026-11-30');
    expect(nextHandoffDate(new Date('2026-11-30T09:59:00Z'), 'monday', '10:00', 'UTC')).toBe('2026-11-30');
    expect(nextHandoffDate(new Date('2026-11-30T10:01:00Z'), 'monday', '10:00', 'UTC')).toBe('2026-12-07');
    // 09:30 UTC is 10:30 in Berlin: this week's handoff has passed there.
    expect(nextHandoffDate(new Date('2026-11-30T09:30:00Z'), 'monday', '10:00', 'Europe/Berlin')).toBe('2026-12-07');
    expect(plan({ start: undefined, handoffDay: 'friday' }).settings.start).toBe('2026-11-27');
  });
});

describe('planRotation with leave', () => {
  const leave = [
    { person: 'Ana', from: '2026-12-21', to: '2027-01-03' },
    { person: 'Chi', from: '2026-12-07', to: '2026-12-13' },
    { person: 'Eve', from: '2027-01-25', to: '2027-02-14' },
  ];

  it.each([
    [3, TEAM3],
    [6, TEAM6],
    [10, TEAM10],
  ])('never puts anyone on call on a day of their leave (team of %i)', (_n, members) => {
    const mine = leave.filter((l) => members.includes(l.person));
    const p = planRotation({ members, start: '2026-11-30', weeks: 16, unavailable: mine }, NOW);
    for (const s of p.shifts) {
      expect(s.primary).not.toBeNull();
      expect(s.secondary).not.toBeNull();
      expect(onLeave(mine, s.primary!, s), `period ${s.period} primary ${s.primary}`).toBe(false);
      expect(onLeave(mine, s.secondary!, s), `period ${s.period} secondary ${s.secondary}`).toBe(false);
      expect(s.secondary).not.toBe(s.primary);
    }
    expect(p.fairness.maxMinusMinPrimary).toBeLessThanOrEqual(1);
    expect(p.fairness.maxMinusMinSecondary).toBeLessThanOrEqual(1);
    expect(p.conflicts).toEqual([]);
  });

  it('counts a shift that touches any day of leave: leave starting on a handoff Monday frees the shift ending that morning', () => {
    const p = plan({ unavailable: [{ person: 'Ben', from: '2026-12-07', to: '2026-12-07' }] });
    const benShifts = p.shifts.filter((s) => s.primary === 'Ben' || s.secondary === 'Ben').map((s) => s.period);
    expect(benShifts).not.toContain(1); // 2026-11-30 10:00 → 2026-12-07 10:00
    expect(benShifts).not.toContain(2); // 2026-12-07 10:00 → 2026-12-14 10:00
  });

  it('keeps shares even when leave allows it, giving the extra shifts before the leave', () => {
    // Ana is away from the third of six weeks: a plain round robin would give her 1 and Ben 3.
    const p = planRotation(
      {
        members: TEAM3,
        start: '2026-11-30',
        weeks: 6,
        unavailable: [{ person: 'Ana', from: '2026-12-15', to: '2027-01-10' }],
      },
      NOW,
    );
    expect(counts(p, 'primary')).toEqual([2, 2, 2]);
    expect(p.shifts.slice(0, 2).map((s) => s.primary)).toEqual(['Ana', 'Ana']);
    expect(p.shifts.slice(2).every((s) => s.primary !== 'Ana' && s.secondary !== 'Ana')).toBe(true);
    expect(p.fairness.maxMinusMinPrimary).toBe(0);
  });

  it('is as fair as leave allows and says so when it cannot be even', () => {
    const p = planRotation(
      {
        members: TEAM3,
        start: '2026-11-30',
        weeks: 9,
        unavailable: [{ person: 'Ana', from: '2026-12-08', to: '2027-01-31' }],
      },
      NOW,
    );
    expect(p.shares['Ana']!.primaryShifts).toBe(1);
    expect(spread(counts(p, 'primary').slice(1))).toBeLessThanOrEqual(1);
    expect(p.warnings.join('\n')).toMatch(/Primary shifts are uneven because of leave: (Ben|Chi) has 4, Ana has 1/);
  });

  it("keeps secondary shares even when next week's primary is on leave and cannot shadow", () => {
    // Ben is primary in week 2 as usual, but on leave for week 1, so he cannot shadow it: he takes a
    // secondary week later instead, rather than Chi carrying three.
    const p = plan({ unavailable: [{ person: 'Ben', from: '2026-12-01', to: '2026-12-06' }] });
    expect(p.shifts[0]!.primary).toBe('Ana');
    expect(p.shifts[0]!.secondary).not.toBe('Ben');
    expect(p.shifts[1]).toMatchObject({ primary: 'Ben', secondary: 'Chi' });
    expect(counts(p, 'secondary')).toEqual([2, 2, 2, 2, 2, 2]);
    expect(p.fairness.maxMinusMinSecondary).toBe(0);
  });

  it('reports leave that cannot be covered, with why', () => {
    const p = planRotation(
      {
        members: ['Ana', 'Ben'],
        start: '2026-11-30',
        weeks: 4,
        unavailable: [
          { person: 'Ana', from: '2026-12-08', to: '2026-12-20' },
          { person: 'Ben', from: '2026-12-15', to: '2026-12-16' },
        ],
      },
      NOW,
    );
    expect(p.shifts.map((s) => [s.primary, s.secondary])).toEqual([
      ['Ana', 'Ben'],
      ['Ben', null],
      [null, null],
      ['Ana', 'Ben'],
    ]);
    expect(p.conflicts).toEqual([
      expect.objectContaining({
        period: 2,
        role: 'secondary',
        onLeave: ['Ana'],
        reason: expect.stringMatching(
          /No secondary in period 2 \(2026-12-07 10:00 → 2026-12-14 10:00 UTC\): only Ben is available \(Ana on leave\)/,
        ),
      }),
      expect.objectContaining({
        period: 3,
        role: 'primary',
        onLeave: ['Ana', 'Ben'],
        start: '2026-12-14T10:00:00.000Z',
        reason: expect.stringMatching(/Nobody can be primary in period 3.*Ana and Ben are all on leave/),
      }),
    ]);
  });

  it('warns about leave outside the planned shifts', () => {
    expect(
      plan({ unavailable: [{ person: 'Dee', from: '2028-01-01', to: '2028-01-05' }] }).warnings.join('\n'),
    ).toContain(
      'unavailable[0] (Dee 2028-01-01 → 2028-01-05) is outside the planned shifts (2026-11-30 → 2027-02-22); ignored.',
    );
  });
});

describe('planRotation swaps', () => {
  it('applies swaps by period number or start date, to primary or secondary', () => {
    const p = plan({
      swaps: [
        { period: 3, from: 'Chi', to: 'Fay' },
        { period: '2026-12-07', from: 'chi', to: 'Eve' },
      ],
    });
    expect(p.shifts[2]).toMatchObject({ primary: 'Fay', secondary: 'Dee' });
    expect(p.shifts[1]).toMatchObject({ primary: 'Ben', secondary: 'Eve' });
    expect(p.shares['Fay']!.primaryShifts).toBe(3);
    expect(p.shares['Chi']!.primaryShifts).toBe(1);
    expect(p.warnings.join('\n')).toMatch(/uneven because of swaps: Fay has 3, Chi has 1/);
  });

  it('trades roles when the person taking over already holds the other role', () => {
    const p = plan({ swaps: [{ period: 1, from: 'Ana', to: 'Ben' }] });
    expect(p.shifts[0]).toMatchObject({ primary: 'Ben', secondary: 'Ana' });
    expect(p.warnings.join('\n')).toMatch(/Ben was already secondary in period 1, so Ana and Ben trade roles/);
  });

  it('refuses a swap that lands someone on leave, or names someone not on call', () => {
    const issues = issuesOf(() =>
      plan({
        unavailable: [{ person: 'Fay', from: '2026-12-15', to: '2026-12-18' }],
        swaps: [
          { period: 3, from: 'Chi', to: 'Fay' },
          { period: 3, from: 'Eve', to: 'Ana' },
          { period: '2026-12-02', from: 'Ana', to: 'Dee' },
        ],
      }),
    );
    expect(issues).toEqual([
      {
        field: 'swaps[0].to',
        problem: expect.stringMatching(/^Fay is on leave during period 3 .*unavailable\[0\]: 2026-12-15 → 2026-12-18/),
      },
      {
        field: 'swaps[1].from',
        problem: expect.stringMatching(/^Eve is not on call in period 3 \(primary Chi, secondary Dee\)/),
      },
      {
        field: 'swaps[2].period',
        problem: expect.stringMatching(/no planned shift starts on 2026-12-02; shifts start on 2026-11-30, 2026-12-07/),
      },
    ]);
  });
});

describe('planRotation time zones', () => {
  it('hands off at 10:00 London time across the daylight-saving changes', () => {
    const spring = planRotation({ members: TEAM3, start: '2026-03-23', weeks: 2, timeZone: 'Europe/London' }, NOW);
    expect(spring.shifts.map((s) => s.start)).toEqual(['2026-03-23T10:00:00.000Z', '2026-03-30T09:00:00.000Z']);
    expect(Date.parse(spring.shifts[0]!.end) - Date.parse(spring.shifts[0]!.start)).toBe(167 * HOUR); // clocks went forward on 29 March
    expect(spring.shifts.map((s) => s.startLocal)).toEqual(['2026-03-23 10:00', '2026-03-30 10:00']);
    const autumn = planRotation({ members: TEAM3, start: '2026-10-19', weeks: 2, timeZone: 'europe/london' }, NOW);
    expect(autumn.settings.timeZone).toBe('Europe/London');
    expect(autumn.shifts.map((s) => s.start)).toEqual(['2026-10-19T09:00:00.000Z', '2026-10-26T10:00:00.000Z']);
    expect(autumn.shifts[0]!.end).toBe('2026-10-26T10:00:00.000Z');
    expect(Date.parse(autumn.shifts[0]!.end) - Date.parse(autumn.shifts[0]!.start)).toBe(169 * HOUR);
  });

  it('reads leave dates as local days', () => {
    // Leave on Monday 30 March in London starts at 23:00 UTC the day before.
    const p = planRotation(
      {
        members: TEAM3,
        start: '2026-03-23',
        weeks: 2,
        timeZone: 'Europe/London',
        unavailable: [{ person: 'Ben', from: '2026-03-30', to: '2026-03-30' }],
      },
      NOW,
    );
    expect([p.shifts[0]!.primary, p.shifts[0]!.secondary]).not.toContain('Ben');
  });

  it('resolves local times that happen twice or never like Temporal does', () => {
    expect(localToUtc('2026-10-25', '01:30', 'Europe/London').toISOString()).toBe('2026-10-25T00:30:00.000Z'); // the first 01:30 (BST)
    expect(localToUtc('2026-03-29', '01:30', 'Europe/London').toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 02:30 BST, after the gap
    expect(localToUtc('2026-03-09', '10:00', 'America/New_York').toISOString()).toBe('2026-03-09T14:00:00.000Z');
    expect(localToUtc('2026-03-02', '10:00', 'America/New_York').toISOString()).toBe('2026-03-02T15:00:00.000Z');
    expect(localToUtc('2026-12-07', '10:00', 'Asia/Kolkata').toISOString()).toBe('2026-12-07T04:30:00.000Z');
  });
});

describe('planRotation errors name the field', () => {
  it('refuses unknown people, leave that ends before it starts, bad zones and a start off the handoff day', () => {
    const issues = issuesOf(() =>
      planRotation(
        {
          members: ['Ana', 'Ben', 'ana'],
          start: '2026-12-01',
          timeZone: 'Mars/Olympus_Mons',
          unavailable: [
            { person: 'Zed', from: '2026-12-01', to: '2026-12-02' },
            { person: 'Ben', from: '2026-12-10', to: '2026-12-01' },
          ],
          swaps: [{ period: 1, from: 'Ana', to: 'Nobody' }],
        },
        NOW,
      ),
    );
    expect(issues).toEqual([
      {
        field: 'members[2]',
        problem: '"ana" is listed twice (also members[0] "Ana"); names are compared without case',
      },
      { field: 'timeZone', problem: expect.stringContaining('"Mars/Olympus_Mons" is not an IANA time zone') },
      {
        field: 'start',
        problem: '2026-12-01 is a Tuesday, but the handoff day is Monday; start on 2026-11-30 or 2026-12-07',
      },
      { field: 'unavailable[0].person', problem: '"Zed" is not a member of the rotation; members are "Ana", "Ben"' },
      {
        field: 'unavailable[1].to',
        problem: '2026-12-01 is before from (2026-12-10); give the first and the last day of leave, in that order',
      },
      { field: 'swaps[0].to', problem: '"Nobody" is not a member of the rotation; members are "Ana", "Ben"' },
    ]);
  });

  it('checks sizes, times and periods', () => {
    expect(issuesOf(() => planRotation({ members: ['Ana'] }, NOW)).map((i) => i.field)).toEqual(['members']);
    const fields = issuesOf(() =>
      plan({
        weeks: 105,
        rotationDays: 0,
        handoffTime: '25:00',
        handoffDay: 'funday',
        swaps: [{ period: 0, from: 'Ana', to: 'Ben' }],
      }),
    ).map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining(['weeks', 'rotationDays', 'handoffTime', 'handoffDay', 'swaps[0].period']),
    );
    expect(issuesOf(() => plan({ weeks: 4, swaps: [{ period: 5, from: 'Ana', to: 'Ben' }] }))).toEqual([
      { field: 'swaps[0].period', problem: '5 is not a planned period; periods are numbered 1 to 4' },
    ]);
    expect(
      issuesOf(() => plan({ unavailable: [{ person: 'Ana', from: '2026-02-30', to: '2026-03-01' }] }))[0]!.field,
    ).toBe('unavailable[0].from');
  });
});
