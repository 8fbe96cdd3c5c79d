import { writePrivateFile } from '../../core/files.js';
import { resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { systemClock, type Clock } from '../../core/time.js';
import { toICalendar } from '../../oncall/ics.js';
import { weekdayOf } from '../../oncall/calendar.js';
import { planRotation } from '../../oncall/plan.js';
import type { Leave, RotationInput, RotationPlan, Swap } from '../../oncall/types.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { type Parsed, usageLine } from '../spec.js';
import { ONCALL_PLAN } from './specs.js';

const USAGE = usageLine(ONCALL_PLAN);

const DATE_LIKE = /^\d{4}-\d{2}-\d{2}$/;

/** "Ana:2026-12-21:2027-01-03", or "Ana:2026-12-25" for one day. The name may itself contain colons. */
function parseLeave(raw: string): Leave {
  const parts = raw.split(':').map((p) => p.trim());
  const last = parts[parts.length - 1] ?? '';
  const before = parts[parts.length - 2] ?? '';
  if (parts.length >= 3 && DATE_LIKE.test(before) && DATE_LIKE.test(last))
    return { person: parts.slice(0, -2).join(':'), from: before, to: last };
  if (parts.length >= 2 && DATE_LIKE.test(last)) return { person: parts.slice(0, -1).join(':'), from: last, to: last };
  throw new UsageError(
    `--leave "${raw}": expected PERSON:FROM:TO with dates YYYY-MM-DD, e.g. "Ana:2026-12-21:2027-01-03"`,
    `Usage: ${USAGE}`,
  );
}

/** "3:Ana:Ben" (period 3) or "2026-12-14:Ana:Ben" (the shift starting that day): Ben takes Ana's place. */
function parseSwap(raw: string): Swap {
  const parts = raw.split(':').map((p) => p.trim());
  if (parts.length !== 3 || parts.some((p) => !p)) {
    throw new UsageError(
      `--swap "${raw}": expected PERIOD:FROM:TO, e.g. "3:Ana:Ben" (Ben takes Ana's place in period 3) or "2026-12-14:Ana:Ben"`,
      `Usage: ${USAGE}`,
    );
  }
  const [period, from, to] = parts as [string, string, string];
  return { period: /^\d+$/.test(period) ? Number(period) : period, from, to };
}

/** Which flag a planner field came from, with the value given, so the error points at the command line. */
function flagOf(field: string, leave: readonly string[], swaps: readonly string[]): string {
  const list = /^(unavailable|swaps)\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (list) {
    const raw = (list[1] === 'unavailable' ? leave : swaps)[Number(list[2])] ?? '';
    return `--${list[1] === 'unavailable' ? 'leave' : 'swap'} "${raw}"${list[3] ? ` (${list[3]})` : ''}`;
  }
  const top = field.replace(/\[.*$/, '');
  const flags: Record<string, string> = {
    members: '--members',
    start: '--start',
    weeks: '--weeks',
    rotationDays: '--rotation-days',
    handoffDay: '--handoff-day',
    handoffTime: '--handoff-time',
    timeZone: '--tz',
  };
  return flags[top] ?? field;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

const dayAbbrev = (date: string) => {
  const d = weekdayOf(date);
  return d.charAt(0).toUpperCase() + d.slice(1, 3);
};

/** The plan for people: shifts in local time, shares, conflicts, rules, warnings. */
export function formatPlan(plan: RotationPlan): string {
  const s = plan.settings;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const period = s.rotationDays === 7 ? 'weekly' : `${s.rotationDays}-day`;
  const out: string[] = [];
  out.push(
    `On-call rotation for ${s.members.join(', ')}: ${s.weeks} ${period} shift(s), handoff ${s.handoffDay.charAt(0).toUpperCase()}${s.handoffDay.slice(1)} ${s.handoffTime} ${s.timeZone}${s.secondary ? '' : ', no secondary'}`,
  );
  out.push('');
  const local = (text: string) => `${dayAbbrev(text.slice(0, 10))} ${text}`;
  const rows = [['#', `Start (${s.timeZone})`, 'End', 'Primary', ...(s.secondary ? ['Secondary'] : [])]];
  for (const shift of plan.shifts)
    rows.push([
      String(shift.period),
      local(shift.startLocal),
      local(shift.endLocal),
      shift.primary ?? 'UNCOVERED',
      ...(s.secondary ? [shift.secondary ?? 'UNCOVERED'] : []),
    ]);
  out.push(...table(rows).map((l) => `  ${l}`));
  out.push('', 'Shares:');
  out.push(
    ...table(
      Object.entries(plan.shares).map(([name, sh]) => [
        name,
        `primary ${sh.primaryShifts} (${pct(sh.primaryShare)})`,
        ...(s.secondary ? [`secondary ${sh.secondaryShifts} (${pct(sh.secondaryShare)})`] : []),
      ]),
    ).map((l) => `  ${l}`),
  );
  out.push(
    `Fairness: primary shifts differ by at most ${plan.fairness.maxMinusMinPrimary}${s.secondary ? `, secondary by at most ${plan.fairness.maxMinusMinSecondary}` : ''}.`,
  );
  if (plan.conflicts.length) {
    out.push('', `Conflicts (${plan.conflicts.length}):`);
    for (const c of plan.conflicts) out.push(`  ! ${c.reason}`);
  }
  out.push('', 'Rules:');
  for (const r of plan.rules) out.push(`  - ${r}`);
  if (plan.warnings.length) {
    out.push('', 'Warnings:');
    for (const w of plan.warnings) out.push(`  ! ${w}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * `oncall plan`: plans a rotation and prints it as a table (or JSON); `--ics FILE` also writes it
 * as a calendar (`--ics -` prints only the calendar). Computes only: no state is read or written.
 */
export async function run(
  { flags, positionals }: Parsed<(typeof ONCALL_PLAN)['flags']>,
  io: CliIO,
  clock: Clock = systemClock,
): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, `Usage: ${USAGE}`);
  if (flags.ics === '-' && flags.json)
    throw new UsageError(
      '--ics - and --json both want stdout',
      'Use one of them, or write the calendar to a file: --ics rotation.ics',
    );

  const input: RotationInput = {
    members: flags.members
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean),
    start: flags.start,
    weeks: flags.weeks,
    rotationDays: flags['rotation-days'],
    handoffDay: flags['handoff-day']?.toLowerCase(),
    handoffTime: flags['handoff-time'],
    timeZone: flags.tz,
    secondary: !flags['no-secondary'],
    unavailable: flags.leave.map(parseLeave),
    swaps: flags.swap.map(parseSwap),
  };
  const now = clock.now();
  let plan: RotationPlan;
  try {
    plan = planRotation(input, now);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new UsageError(
      error.issues.map((i) => `${flagOf(i.field, flags.leave, flags.swap)}: ${i.problem}`).join('; '),
      `Usage: ${USAGE}`,
    );
  }

  if (flags.ics !== undefined) {
    const calendar = toICalendar(plan, { now });
    if (flags.ics === '-') {
      io.stdout(calendar);
      return EXIT.ok;
    }
    const path = resolve(io.cwd, flags.ics);
    try {
      writePrivateFile(path, calendar);
    } catch (error) {
      const code = (error as { cause?: NodeJS.ErrnoException }).cause?.code ?? 'error';
      throw new UsageError(
        `--ics ${flags.ics}: cannot write the calendar (${code}): ${(error as Error).message}`,
        (error as { hint?: string }).hint ?? 'Give a file path in an existing folder you can write to.',
      );
    }
    const events = plan.shifts.length * (plan.settings.secondary ? 2 : 1);
    io.stderr(
      `Wrote ${path} (${events} events). Import it into your calendar; re-importing a new plan updates the same events.\n`,
    );
  }
  io.stdout(flags.json ? `${JSON.stringify(plan)}\n` : formatPlan(plan));
  return EXIT.ok;
}
