import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../test/support/harness.js';

let h: Harness;
afterEach(() => h?.close());

type Out = {
  level: string;
  basis: string;
  matchedCriteria: { id: string }[];
  escalation: { triggered: boolean; page: string[]; triggers: { afterMinutes: number; at: string | null }[] };
  cadenceMinutes: { engineering: number | null; executive: number | null; customer: number | null };
  inferredFrom: Record<string, string>;
  recorded: { previous: string; current: string; changed: boolean; note: string } | null;
};

describe('classify_severity', () => {
  it('classifies the seed payment example as SEV1 with escalation and a 15-minute comms cadence', async () => {
    h = createHarness();
    const out = await h.ok<Out>('classify_severity', {
      description: "Our payment API is returning 500 errors and customers can't check out",
    });
    expect(out.level).toBe('SEV1');
    expect(out.matchedCriteria.map((c) => c.id)).toContain('revenue_path_down');
    expect(out.escalation.triggered).toBe(true);
    expect(out.escalation.page.length).toBeGreaterThan(0);
    expect(out.cadenceMinutes.customer).toBe(15);
    expect(out.cadenceMinutes.engineering).toBe(15);
    expect(Object.keys(out.inferredFrom)).toEqual(expect.arrayContaining(['customerFacing', 'revenuePath', 'state']));
    expect(out.recorded).toBeNull();
  });

  it.each([
    ['SEV1', { securityBreach: true }],
    ['SEV2', { customerFacing: true, revenuePath: true, state: 'degraded' }],
    ['SEV3', { customerFacing: false, state: 'down', dataLoss: false, securityBreach: false }],
    ['SEV4', { customerFacing: false, state: 'at_risk', dataLoss: false, securityBreach: false }],
  ])("gives %s from structured signals, with that level's cadence and paging", async (level, signals) => {
    h = createHarness();
    const out = await h.ok<Out>('classify_severity', signals);
    expect(out.level).toBe(level);
    expect(out.escalation.triggered).toBe(level === 'SEV1' || level === 'SEV2');
    if (level === 'SEV4') expect(out.cadenceMinutes).toEqual({ engineering: 1440, executive: null, customer: null });
  });

  it('lets explicit signals override what the text suggests', async () => {
    h = createHarness();
    const out = await h.ok<Out>('classify_severity', {
      description: 'checkout is down for customers',
      revenuePath: false,
      criticalFunction: false,
      usersAffectedPct: 2,
    });
    expect(out.level).not.toBe('SEV1');
  });

  it('records the level and each change on the incident timeline, with escalation times from the start', async () => {
    h = createHarness();
    const inc = await h.ok<{ incident: { id: string; startedAt: string } }>('open_incident', {
      title: 'Search slow',
      description: 'search is slow for customers',
      signals: {
        revenuePath: false,
        criticalFunction: false,
        usersAffectedPct: 10,
        durationMinutes: 10,
        dataLoss: false,
        securityBreach: false,
      },
    });
    h.clock.advanceMinutes(10);
    const up = await h.ok<Out>('classify_severity', {
      incidentId: inc.incident.id,
      description: 'now checkout is failing for all customers too',
      state: 'down',
      revenuePath: true,
    });
    expect(up.recorded).toMatchObject({ previous: 'SEV3', current: 'SEV1', changed: true });
    expect(up.escalation.triggers[0]?.at).toBe(
      new Date(Date.parse(inc.incident.startedAt) + 30 * 60_000).toISOString(),
    );
    const timeline = await h.store.listTimeline(inc.incident.id, { kinds: ['severity'] });
    expect(timeline.map((e) => e.text)).toEqual([
      expect.stringMatching(/^Severity SEV3 → SEV1 \(criteria: revenue_path_down/),
    ]);
    expect((await h.store.severityHistory(inc.incident.id)).map((c) => c.to)).toEqual(['SEV3', 'SEV1']);
  });

  it('does not lower an open incident without a reason, and does with one', async () => {
    h = createHarness();
    const inc = await h.ok<{ incident: { id: string } }>('open_incident', {
      title: 'Checkout down',
      description: "customers can't check out, payments failing",
    });
    const calm = { customerFacing: true, revenuePath: true, state: 'degraded' };
    const held = await h.ok<Out>('classify_severity', { incidentId: inc.incident.id, ...calm });
    expect(held.level).toBe('SEV1');
    expect(held.recorded).toMatchObject({ changed: false, current: 'SEV1' });
    expect(held.recorded?.note).toMatch(/lowering an open incident needs a reason/);
    const lowered = await h.ok<Out>('classify_severity', {
      incidentId: inc.incident.id,
      ...calm,
      reason: 'rollback done; checkout works, slow',
    });
    expect(lowered.recorded).toMatchObject({ previous: 'SEV1', current: 'SEV2', changed: true });
    expect((await h.store.severityHistory(inc.incident.id)).at(-1)?.reason).toBe('rollback done; checkout works, slow');
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    h = createHarness();
    const result = await h.call('classify_severity', { usersAffectedPct: 140, state: 'meltdown', incidentId: 'INC-1' });
    expect(result.ok).toBe(false);
    expect(result.text).toContain('field "usersAffectedPct": must be at most 100');
    expect(result.text).toContain(
      'field "state": expected one of "down", "degraded", "at_risk", "healthy", got "meltdown"',
    );
    expect(await h.store.listIncidents()).toEqual([]);
  });

  it('says which incident ids exist when given an unknown one', async () => {
    h = createHarness();
    await h.ok('open_incident', { title: 'Search slow' });
    const result = await h.call('classify_severity', { incidentId: 'INC-9', state: 'down' });
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(/incident "INC-9" does not exist[\s\S]*Recent incidents: INC-1 \(Search slow\)/);
  });
});
