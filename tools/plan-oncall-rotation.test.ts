import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolRegistry } from '../src/registry/registry.js';
import type { ToolResult } from '../src/registry/types.js';
import { createHarness, type Harness } from '../test/support/harness.js';
import { planOncallRotation, planOncallRotationOutput } from './plan-oncall-rotation.js';

let h: Harness;
afterEach(() => h?.close());

/** The tool is not in ALL_TOOLS yet: call it through a registry of its own, as the real one would. */
const registry = new ToolRegistry([planOncallRotation]);
const call = (args: unknown): Promise<ToolResult> => registry.call('plan_oncall_rotation', args, h.ctx);

type Plan = z.output<typeof planOncallRotationOutput>;

function failure(result: ToolResult) {
  if (result.ok) throw new Error(`expected a failure, got ${result.text}`);
  return result.error;
}

async function nothingWritten(): Promise<void> {
  expect(await h.store.listIncidents()).toEqual([]);
  expect(await h.store.listActionItems({})).toEqual([]);
}

describe('plan_oncall_rotation', () => {
  it('is read-only and idempotent, and describes every input field', () => {
    expect(planOncallRotation.annotations).toEqual({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    });
    const undescribed = Object.entries(planOncallRotation.input.shape).filter(
      ([, field]) => !z.globalRegistry.get(field)?.description,
    );
    expect(undescribed.map(([name]) => name)).toEqual([]);
  });

  it("plans the seed's rotation for a team of 6 from the next Monday, with leave and a swap", async () => {
    h = createHarness(); // clock: Thursday 2026-11-26 14:00 UTC
    const result = await call({
      members: ['Ana', 'Ben', 'Chi', 'Dee', 'Eve', 'Fay'],
      timeZone: 'Europe/London',
      unavailable: [{ person: 'chi', from: '2026-12-07', to: '2026-12-20' }],
      swaps: [{ period: 5, from: 'Eve', to: 'Ana' }],
    });
    if (!result.ok) throw new Error(result.text);
    const plan = planOncallRotationOutput.parse(result.output) satisfies Plan;
    expect(plan.settings).toMatchObject({
      start: '2026-11-30',
      weeks: 12,
      handoffDay: 'monday',
      handoffTime: '10:00',
      timeZone: 'Europe/London',
      secondary: true,
    });
    expect(plan.shifts).toHaveLength(12);
    expect(plan.shifts[0]).toMatchObject({
      period: 1,
      start: '2026-11-30T10:00:00.000Z',
      end: '2026-12-07T10:00:00.000Z',
      startLocal: '2026-11-30 10:00',
    });
    for (const s of plan.shifts.slice(1, 3)) expect([s.primary, s.secondary]).not.toContain('Chi');
    expect(plan.shifts[4]!.primary).toBe('Ana');
    expect(plan.conflicts).toEqual([]);
    expect(plan.rules[1]).toBe(
      'Team of 6: each engineer is primary once every 6 weeks and secondary the week before (shadow and backup): 2 weeks of duty per 6-week cycle, 33% of the time.',
    );
    expect(Object.keys(plan.shares)).toEqual(['Ana', 'Ben', 'Chi', 'Dee', 'Eve', 'Fay']);
    await nothingWritten();
  });

  it('refuses unknown people, leave in the wrong order, bad zones and a start off the handoff day, naming the field', async () => {
    h = createHarness();
    const members = ['Ana', 'Ben', 'Chi'];
    const unknown = failure(
      await call({
        members,
        start: '2026-11-30',
        unavailable: [{ person: 'Zed', from: '2026-12-01', to: '2026-12-02' }],
      }),
    );
    expect(unknown.code).toBe('invalid_input');
    expect(unknown.issues).toEqual([
      {
        field: 'unavailable[0].person',
        problem: '"Zed" is not a member of the rotation; members are "Ana", "Ben", "Chi"',
      },
    ]);

    const order = failure(
      await call({
        members,
        start: '2026-11-30',
        unavailable: [{ person: 'Ana', from: '2026-12-10', to: '2026-12-01' }],
      }),
    );
    expect(order.issues).toEqual([
      {
        field: 'unavailable[0].to',
        problem: '2026-12-01 is before from (2026-12-10); give the first and the last day of leave, in that order',
      },
    ]);

    const zone = failure(await call({ members, timeZone: 'Europe/Londn' }));
    expect(zone.issues).toEqual([
      { field: 'timeZone', problem: 'must be an IANA time zone such as "Europe/London", "America/New_York" or "UTC"' },
    ]);

    const start = failure(await call({ members, start: '2026-12-02' }));
    expect(start.message).toContain(
      'field "start": 2026-12-02 is a Wednesday, but the handoff day is Monday; start on 2026-11-30 or 2026-12-07',
    );

    const swap = failure(
      await call({ members, start: '2026-11-30', swaps: [{ period: 1, from: 'Ana', to: 'Ghost' }] }),
    );
    expect(swap.issues).toEqual([
      { field: 'swaps[0].to', problem: '"Ghost" is not a member of the rotation; members are "Ana", "Ben", "Chi"' },
    ]);

    const onLeave = failure(
      await call({
        members,
        start: '2026-11-30',
        unavailable: [{ person: 'Chi', from: '2026-12-01', to: '2026-12-03' }],
        swaps: [{ period: '2026-11-30', from: 'Ana', to: 'Chi' }],
      }),
    );
    expect(onLeave.issues?.[0]?.field).toBe('swaps[0].to');
    expect(onLeave.issues?.[0]?.problem).toMatch(/^Chi is on leave during period 1/);
    await nothingWritten();
  });

  it('rejects malformed input at the schema, naming each field', async () => {
    h = createHarness();
    const bad = failure(
      await call({
        members: ['Ana'],
        weeks: 0,
        handoffDay: 'Someday',
        handoffTime: '9am',
        unavailable: [{ person: 'Ana', from: '1 Dec', to: '2026-12-02' }],
        swaps: [{ period: 'soon', from: 'Ana', to: 'Ben' }],
        colour: 'blue',
      }),
    );
    const fields = bad.issues?.map((i) => i.field) ?? [];
    expect(fields).toEqual(
      expect.arrayContaining([
        'members',
        'weeks',
        'handoffDay',
        'handoffTime',
        'unavailable[0].from',
        'swaps[0].period',
        '(input)',
      ]),
    );
    expect(bad.message).toContain('field "unavailable[0].from": must be a date YYYY-MM-DD such as "2026-11-30"');
    expect(bad.message).toContain(
      'field "swaps[0].period": must be a period number (1 is the first shift) or the date YYYY-MM-DD a shift starts on',
    );
    expect(bad.message).toMatch(/unknown field\(s\) "colour"; accepted fields here: members, start, weeks/);
    const typed = failure(await call({ members: ['Ana', 'Ben'], swaps: [{ period: true, from: 'Ana', to: 'Ben' }] }));
    expect(typed.issues).toEqual([
      {
        field: 'swaps[0].period',
        problem: 'must be a period number (1 is the first shift) or the date YYYY-MM-DD a shift starts on',
      },
    ]);
    await nothingWritten();
  });
});
