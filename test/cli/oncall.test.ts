import { z } from 'zod';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/oncall.js';
import { ONCALL_PLAN } from '../../src/cli/commands/specs.js';
import { parseCommand } from '../../src/cli/parse.js';
import { EXIT, UsageError, type CliIO } from '../../src/cli/io.js';
import { ManualClock } from '../../src/core/time.js';
import { planRotation } from '../../src/oncall/plan.js';
import type { RotationPlan } from '../../src/oncall/types.js';

/** `oncall plan` runs in-process (it is not registered in COMMANDS yet): a fake IO collects the output. */
interface FakeIO extends CliIO {
  out: string;
  err: string;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ic-oncall-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeIO(): FakeIO {
  const io: FakeIO = {
    out: '',
    err: '',
    stdout: (text) => void (io.out += text),
    stderr: (text) => void (io.err += text),
    readStdin: async () => '',
    env: {},
    cwd: dir,
  };
  return io;
}

const clock = new ManualClock('2026-11-26T14:00:00Z'); // a Thursday

async function oncall(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIO();
  const code = await run(parseCommand(ONCALL_PLAN, args, z), io, clock);
  return { code, out: io.out, err: io.err };
}

async function usageError(args: string[]): Promise<UsageError> {
  const io = fakeIO();
  try {
    await run(parseCommand(ONCALL_PLAN, args, z), io, clock);
  } catch (error) {
    if (error instanceof UsageError) {
      expect(io.out).toBe('');
      return error;
    }
    throw error;
  }
  throw new Error(`expected a UsageError for ${args.join(' ')}`);
}

const TEAM = ['--members', 'Ana, Ben,Chi,Dee,Eve,Fay'];

describe('incident-commander oncall plan', () => {
  it('prints the rotation as a table: local times, shares, rules and warnings', async () => {
    const { code, out, err } = await oncall([
      ...TEAM,
      '--start',
      '2026-11-30',
      '--weeks',
      '6',
      '--tz',
      'Europe/London',
      '--leave',
      'Chi:2026-12-08:2026-12-20',
      '--swap',
      '6:Fay:Ana',
    ]);
    expect(code).toBe(EXIT.ok);
    expect(err).toBe('');
    expect(out).toMatch(
      /^On-call rotation for Ana, Ben, Chi, Dee, Eve, Fay: 6 weekly shift\(s\), handoff Monday 10:00 Europe\/London\n/,
    );
    expect(out).toMatch(/#\s+Start \(Europe\/London\)\s+End\s+Primary\s+Secondary\n/);
    expect(out).toMatch(/\n {2}1\s+Mon 2026-11-30 10:00\s+Mon 2026-12-07 10:00\s+Ana\s+Ben\n/);
    expect(out).toMatch(/\n {2}6\s+Mon 2027-01-04 10:00\s+Mon 2027-01-11 10:00\s+Ana\s+\w+\n/);
    expect(out).not.toMatch(/\n {2}[23]\s.*Chi/);
    expect(out).toMatch(/Shares:\n {2}Ana\s+primary 2 \(33%\)\s+secondary \d \(\d+%\)/);
    expect(out).toContain('Rules:\n  - Weekly primary + secondary, handing off every Monday at 10:00 (Europe/London)');
    expect(out).toContain('  - Team of 6: each engineer is primary once every 6 weeks and secondary the week before');
  });

  it('prints the same plan as JSON with --json, starting at the next Monday by default', async () => {
    const { code, out } = await oncall([...TEAM, '--json', '--leave', 'Ben:2026-12-25']);
    expect(code).toBe(EXIT.ok);
    expect(out.endsWith('\n')).toBe(true);
    const plan = JSON.parse(out) as RotationPlan;
    expect(plan.settings.start).toBe('2026-11-30');
    expect(plan).toEqual(
      planRotation(
        {
          members: ['Ana', 'Ben', 'Chi', 'Dee', 'Eve', 'Fay'],
          unavailable: [{ person: 'Ben', from: '2026-12-25', to: '2026-12-25' }],
        },
        clock.now(),
      ),
    );
  });

  it('writes an .ics that calendars read, and says so on stderr', async () => {
    const { code, out, err } = await oncall([
      ...TEAM,
      '--start',
      '2026-03-23',
      '--weeks',
      '3',
      '--tz',
      'Europe/London',
      '--ics',
      'rotation.ics',
      '--json',
    ]);
    expect(code).toBe(EXIT.ok);
    const file = join(dir, 'rotation.ics');
    expect(err).toBe(
      `Wrote ${file} (6 events). Import it into your calendar; re-importing a new plan updates the same events.\n`,
    );
    const plan = JSON.parse(out) as RotationPlan;
    const ics = readFileSync(file, 'utf8');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(6);
    expect(events.map((e) => e.summary)).toEqual([
      'On call (primary): Ana',
      'On call (secondary): Ben',
      'On call (primary): Ben',
      'On call (secondary): Chi',
      'On call (primary): Chi',
      'On call (secondary): Dee',
    ]);
    // 29 March 2026: clocks go forward in London, so the 10:00 handoff moves from 10:00 to 09:00 UTC.
    expect(events.map((e) => e.startDate.toJSDate().toISOString())).toEqual(
      plan.shifts.flatMap((s) => [s.start, s.start]),
    );
    expect(events[2]!.startDate.toJSDate().toISOString()).toBe('2026-03-30T09:00:00.000Z');
    expect(events.map((e) => e.endDate.toJSDate().toISOString())).toEqual(plan.shifts.flatMap((s) => [s.end, s.end]));
  });

  it('prints only the calendar with --ics -, and plans without a secondary on request', async () => {
    const { out, err } = await oncall([
      ...TEAM,
      '--start',
      '2026-11-30',
      '--weeks',
      '2',
      '--no-secondary',
      '--ics',
      '-',
    ]);
    expect(err).toBe('');
    const events = new ICAL.Component(ICAL.parse(out)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.summary)).toEqual(['On call (primary): Ana', 'On call (primary): Ben']);
    const table = await oncall([...TEAM, '--start', '2026-11-30', '--weeks', '2', '--no-secondary']);
    expect(table.out).toContain('no secondary');
    expect(table.out).not.toMatch(/Secondary\n/);
  });

  it('honours the handoff day, time and rotation length', async () => {
    const { out } = await oncall([
      ...TEAM,
      '--start',
      '2026-12-04',
      '--weeks',
      '2',
      '--handoff-day',
      'Friday',
      '--handoff-time',
      '16:30',
      '--tz',
      'America/New_York',
      '--json',
    ]);
    const plan = JSON.parse(out) as RotationPlan;
    expect(plan.shifts.map((s) => s.start)).toEqual(['2026-12-04T21:30:00.000Z', '2026-12-11T21:30:00.000Z']);
    const fortnight = JSON.parse(
      (await oncall([...TEAM, '--start', '2026-11-30', '--weeks', '2', '--rotation-days', '14', '--json'])).out,
    ) as RotationPlan;
    expect(fortnight.shifts[1]!.start).toBe('2026-12-14T10:00:00.000Z');
  });

  it('turns bad flags into usage errors that name the flag and the value', async () => {
    expect((await usageError([])).message).toMatch(/^--members: is required/);
    expect((await usageError(['--members', 'Ana'])).message).toBe('--members: must list 2–50 people, got 1');
    expect((await usageError([...TEAM, '--start', '2026-12-02'])).message).toBe(
      '--start: 2026-12-02 is a Wednesday, but the handoff day is Monday; start on 2026-11-30 or 2026-12-07',
    );
    expect((await usageError([...TEAM, '--tz', 'Europe/Londn'])).message).toMatch(
      /^--tz: "Europe\/Londn" is not an IANA time zone/,
    );
    expect((await usageError([...TEAM, '--weeks', 'many'])).message).toBe(
      '--weeks: must be a number of rotation periods, e.g. --weeks 12',
    );
    expect((await usageError([...TEAM, '--leave', 'Zed:2026-12-01:2026-12-02'])).message).toBe(
      '--leave "Zed:2026-12-01:2026-12-02" (person): "Zed" is not a member of the rotation; members are "Ana", "Ben", "Chi", "Dee", "Eve", "Fay"',
    );
    expect((await usageError([...TEAM, '--leave', 'Ana:2026-12-09:2026-12-01'])).message).toMatch(
      /^--leave "Ana:2026-12-09:2026-12-01" \(to\): 2026-12-01 is before from/,
    );
    expect((await usageError([...TEAM, '--leave', 'Ana next week'])).message).toMatch(
      /^--leave "Ana next week": expected PERSON:FROM:TO/,
    );
    expect((await usageError([...TEAM, '--swap', '3:Ana'])).message).toMatch(
      /^--swap "3:Ana": expected PERIOD:FROM:TO/,
    );
    expect(
      (
        await usageError([
          ...TEAM,
          '--start',
          '2026-11-30',
          '--leave',
          'Fay:2026-12-15:2026-12-16',
          '--swap',
          '3:Chi:Fay',
        ])
      ).message,
    ).toMatch(/^--swap "3:Chi:Fay" \(to\): Fay is on leave during period 3/);
    expect((await usageError([...TEAM, '--colour', 'blue'])).message).toMatch(/unknown option --colour/);
    expect((await usageError([...TEAM, 'extra'])).message).toBe('unexpected argument "extra"');
    expect((await usageError([...TEAM, '--json', '--ics', '-'])).message).toBe('--ics - and --json both want stdout');
    const missing = await usageError([...TEAM, '--ics', join(dir, 'no', 'such', 'dir', 'x.ics')]);
    expect(missing.message).toMatch(/cannot write the calendar \(ENOENT\)/);
    expect((await usageError([...TEAM, '--weeks', '0'])).hint).toMatch(
      /^Usage: incident-commander oncall plan --members/,
    );
    expect(existsSync(join(dir, 'rotation.ics'))).toBe(false);
  });
});
