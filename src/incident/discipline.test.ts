import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../config/package-root.js';
import { addMinutes } from '../core/time.js';
import { loadFramework } from '../severity/framework.js';
import type { Audience } from '../core/audiences.js';
import type { Hypothesis, SeverityChange, StakeholderUpdate } from '../store/types.js';
import { cadenceMisses, timeboxOverruns } from './discipline.js';

const fw = loadFramework(join(packageRoot(), 'config', 'severity.yaml'));
const T0 = '2026-03-10T14:00:00.000Z';
const at = (m: number): string => addMinutes(T0, m).toISOString();
const change = (m: number, to: SeverityChange['to']): SeverityChange => ({
  incidentId: 'INC-1',
  at: at(m),
  from: null,
  to,
  reason: '',
  author: 'x',
  criteria: [],
});
const update = (m: number, audience: Audience): StakeholderUpdate =>
  ({
    id: `U-${m}-${audience}`,
    incidentId: 'INC-1',
    audience,
    at: at(m),
    author: 'x',
    status: 'investigating',
    headline: '',
    body: '',
    noChange: false,
    nextUpdateAt: null,
  }) as StakeholderUpdate;
const every = (minutes: number, until: number, audiences: Audience[]): StakeholderUpdate[] =>
  audiences.flatMap((a) => Array.from({ length: Math.floor(until / minutes) }, (_, i) => update((i + 1) * minutes, a)));

describe('cadence misses, replayed from the record (SEV2: engineering and customer every 30 min, executive every 60)', () => {
  it('none when every audience got its update on time', () => {
    const updates = [...every(30, 90, ['engineering', 'customer']), ...every(60, 90, ['executive'])];
    expect(cadenceMisses(fw, [change(0, 'SEV2')], updates, at(90))).toEqual([]);
  });

  it('counts a late update and each window with no update at all', () => {
    const updates = [
      update(41, 'engineering'),
      update(30, 'customer'),
      update(60, 'customer'),
      update(60, 'executive'),
    ];
    expect(cadenceMisses(fw, [change(0, 'SEV2')], updates, at(95))).toEqual([
      { audience: 'engineering', dueAt: at(30), sentAt: at(41), lateMinutes: 11 },
      { audience: 'engineering', dueAt: at(71), sentAt: null, lateMinutes: 24 },
      { audience: 'customer', dueAt: at(90), sentAt: null, lateMinutes: 5 },
    ]);
  });

  it('gives two minutes of grace, and a severity change restarts every schedule', () => {
    expect(cadenceMisses(fw, [change(0, 'SEV2')], [update(32, 'engineering'), update(30, 'customer')], at(40))).toEqual(
      [],
    );
    expect(
      cadenceMisses(fw, [change(0, 'SEV2')], [update(33, 'engineering'), update(30, 'customer')], at(40)).map(
        (m) => m.lateMinutes,
      ),
    ).toEqual([3]);
    // SEV3 at 20 min: engineering hourly, customer every 2 h, executive never.
    expect(cadenceMisses(fw, [change(0, 'SEV2'), change(20, 'SEV3')], [], at(75))).toEqual([]);
    expect(cadenceMisses(fw, [change(0, 'SEV2'), change(20, 'SEV3')], [], at(90))).toEqual([
      { audience: 'engineering', dueAt: at(80), sentAt: null, lateMinutes: 10 },
    ]);
  });

  it('owes nothing after the end of the record', () => {
    expect(cadenceMisses(fw, [change(0, 'SEV1')], [], at(16))).toEqual([]);
    expect(cadenceMisses(fw, [change(0, 'SEV1')], [], at(18)).map((m) => m.audience)).toEqual([
      'engineering',
      'customer',
    ]);
  });
});

describe('time-box overruns', () => {
  const h = (id: string, start: number, resolved: number | null): Hypothesis =>
    ({
      id,
      incidentId: 'INC-1',
      statement: `claim ${id}`,
      owner: 'Omar',
      startedAt: at(start),
      timeboxMinutes: 15,
      status: resolved === null ? 'open' : 'ruled_out',
      resolvedAt: resolved === null ? null : at(resolved),
      resolvedBy: null,
      evidence: '',
    }) as Hypothesis;

  it('flags hypotheses closed late or still open past the box, not those closed in time', () => {
    expect(
      timeboxOverruns([h('H-1', 0, 14), h('H-2', 10, 40), h('H-3', 20, null), h('H-4', 40, null)], at(50)),
    ).toEqual([
      { id: 'H-2', statement: 'claim H-2', owner: 'Omar', overrunMinutes: 15, open: false },
      { id: 'H-3', statement: 'claim H-3', owner: 'Omar', overrunMinutes: 15, open: true },
    ]);
  });
});
