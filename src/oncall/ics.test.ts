import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, toICalendar } from './ics.js';
import { planRotation } from './plan.js';
import type { RotationPlan } from './types.js';

const NOW = new Date('2026-11-26T14:00:00Z');

function events(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return { calendar, events: calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)) };
}

function london(): RotationPlan {
  // Spans the end of British Summer Time on 25 October 2026.
  return planRotation(
    { members: ['Ana', 'Ben', 'Chi'], start: '2026-10-12', weeks: 4, timeZone: 'Europe/London' },
    NOW,
  );
}

describe('toICalendar', () => {
  it("writes one event per shift per role that ical.js reads back with the plan's instants", () => {
    const plan = london();
    const ics = toICalendar(plan, { now: NOW });
    const { calendar, events: evs } = events(ics);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//incident-commander//On-call rotation//EN');
    expect(evs).toHaveLength(plan.shifts.length * 2);
    plan.shifts.forEach((shift, k) => {
      for (const [j, role] of (['primary', 'secondary'] as const).entries()) {
        const ev = evs[2 * k + j]!;
        expect(ev.summary).toBe(`On call (${role}): ${shift[role]}`);
        expect(ev.startDate.toJSDate().toISOString()).toBe(shift.start);
        expect(ev.endDate.toJSDate().toISOString()).toBe(shift.end);
        expect(ev.startDate.zone.tzid).toBe('UTC');
      }
    });
    expect(evs.map((e) => e.startDate.toJSDate().toISOString()).filter((_, i) => i % 2 === 0)).toEqual([
      '2026-10-12T09:00:00.000Z',
      '2026-10-19T09:00:00.000Z',
      '2026-10-26T10:00:00.000Z',
      '2026-11-02T10:00:00.000Z',
    ]);
    expect(evs[0]!.description).toContain(
      'Acknowledge every page within 15 minutes; if you do not, it escalates to the secondary, Ben.',
    );
    expect(evs[1]!.description).toContain(
      'If the primary, Ana, does not acknowledge a page within 15 minutes, it escalates to you.\nYou are primary next period',
    );
    expect(evs[0]!.component.getFirstPropertyValue('dtstamp')?.toString()).toBe('2026-11-26T14:00:00Z');
  });

  it('gives every shift and role a unique UID that stays the same when the plan is regenerated', () => {
    const plan = london();
    const uids = events(toICalendar(plan, { now: NOW })).events.map((e) => e.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids[0]).toBe(`20261012T090000Z-primary.oncall-${uids[0]!.split('.oncall-')[1]}`);
    const swapped = planRotation(
      {
        members: ['Ana', 'Ben', 'Chi'],
        start: '2026-10-12',
        weeks: 4,
        timeZone: 'Europe/London',
        swaps: [{ period: 1, from: 'Ana', to: 'Chi' }],
      },
      NOW,
    );
    const again = events(toICalendar(swapped, { now: new Date('2026-12-01T00:00:00Z') })).events;
    expect(again.map((e) => e.uid)).toEqual(uids);
    expect(again[0]!.summary).toBe('On call (primary): Chi');
    const other = events(toICalendar(plan, { now: NOW, rotationId: 'Payments team' })).events;
    expect(other[0]!.uid).toBe('20261012T090000Z-primary.payments-team@incident-commander');
  });

  it('writes only primary events without a secondary, and flags uncovered shifts', () => {
    const solo = planRotation(
      {
        members: ['Ana', 'Ben'],
        start: '2026-11-30',
        weeks: 3,
        secondary: false,
        unavailable: [
          { person: 'Ana', from: '2026-12-08', to: '2026-12-12' },
          { person: 'Ben', from: '2026-12-08', to: '2026-12-09' },
        ],
      },
      NOW,
    );
    const evs = events(toICalendar(solo, { now: NOW })).events;
    expect(evs.map((e) => e.summary)).toEqual([
      'On call (primary): Ana',
      'On call (primary): UNCOVERED — nobody available',
      'On call (primary): Ben',
    ]);
  });

  it('uses CRLF, folds at 75 octets without splitting characters, and escapes text', () => {
    const long = 'Zoë Łukasiewicz-Ørsted, the "Fixer"; of Incidents \\ and Pagers — Ümlaut Édition';
    const plan = planRotation({ members: [long, 'Ben; Jr.', 'Chi'], start: '2026-11-30', weeks: 3 }, NOW);
    const ics = toICalendar(plan, { now: NOW });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.split('\r\n').slice(0, -1);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);
    expect(lines.some((l) => l.startsWith(' '))).toBe(true);
    expect(ics).toContain('Ben\\; Jr.');
    expect(ics).not.toContain('\uFFFD');
    const evs = events(ics).events;
    expect(evs[0]!.summary).toBe(`On call (primary): ${long}`);
    expect(evs[1]!.summary).toBe('On call (secondary): Ben; Jr.');
    expect(evs[3]!.description).toContain(`If the primary, Ben; Jr., does not acknowledge`);
    // ical.js leaves X- properties unparsed, so check the escaping on the unfolded text.
    expect(ics.replace(/\r\n /g, '')).toContain(
      'X-WR-CALNAME:On call: Zoë Łukasiewicz-Ørsted\\, the "Fixer"\\; of Incidents \\\\ and Pagers — Ümlaut Édition\\, Ben\\; Jr.\\, Chi\r\n',
    );
  });
});

describe('escapeText and foldLine', () => {
  it('escapes backslashes, semicolons, commas and newlines', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('folds at 75 octets with a leading space on continuation lines', () => {
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
    const folded = foldLine(`SUMMARY:${'é'.repeat(60)}`);
    const parts = folded.split('\r\n');
    expect(parts.every((p) => Buffer.byteLength(p, 'utf8') <= 75)).toBe(true);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(parts.map((p, i) => (i ? p.slice(1) : p)).join('')).toBe(`SUMMARY:${'é'.repeat(60)}`);
  });
});
