import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../test/support/harness.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-11-26T14:00:00Z' });
});
afterEach(() => h.close());

type State = {
  attention: string[];
  hypotheses: { id: string; expired: boolean; minutesLeft: number; status: string }[];
  schedule: { audience: string; overdue: boolean }[];
  durations: Record<string, number | null>;
  postmortem: { dueAt: string | null; overdue: boolean };
};
const state = (id = 'INC-1'): Promise<State> => h.ok<State>('get_incident', { incidentId: id });

async function openCheckout(startedAt?: string): Promise<string> {
  const out = await h.ok<{ incident: { id: string } }>('open_incident', {
    title: 'Checkout failing',
    description: "payment API returning 500s, customers can't check out",
    services: ['payment-api'],
    reporter: 'Alex',
    ...(startedAt ? { startedAt } : {}),
  });
  return out.incident.id;
}

describe('hypotheses with time-boxes', () => {
  it('reports an expired time-box after 15 simulated minutes and not before', async () => {
    const id = await openCheckout();
    const started = await h.ok<{ hypothesis: { id: string; expiresAt: string } }>('start_hypothesis', {
      incidentId: id,
      statement: 'v2.14.0 gateway client exhausts the DB pool',
      owner: 'Priya',
    });
    expect(started.hypothesis).toMatchObject({ id: 'H-1', expiresAt: '2026-11-26T14:15:00.000Z' });
    h.clock.advanceMinutes(14);
    expect((await state()).hypotheses[0]).toMatchObject({ expired: false, minutesLeft: 1 });
    expect((await state()).attention.join('\n')).not.toContain('time-box');
    h.clock.advanceMinutes(2);
    const late = await state();
    expect(late.hypotheses[0]?.expired).toBe(true);
    expect(late.attention.join('\n')).toMatch(
      /H-1 "v2\.14\.0 gateway client exhausts the DB pool" \(owner Priya\) is 1 min past its 15-minute time-box: confirm it, rule it out or park it, and switch to the next hypothesis/,
    );
  });

  it('clamps a time-box when the clock jumps backwards, and says the clock moved back', async () => {
    const id = await openCheckout();
    await h.ok('start_hypothesis', { incidentId: id, statement: 'DB pool exhausted', owner: 'Priya' });
    h.clock.advanceMinutes(5);
    h.clock.advanceMinutes(-180);
    const back = (await state()) as State & { hypotheses: { clockBehind: boolean }[] };
    expect(back.hypotheses[0]).toMatchObject({ minutesLeft: 15, expired: false, clockBehind: true });
    expect(back.attention[0]).toMatch(
      /^The clock reads 11:05 UTC, 2 h 55 min earlier than the newest entry on the record \(14:00 UTC\): the system clock has moved back/,
    );
    h.clock.advanceMinutes(180 + 16);
    const caught = (await state()) as State & { hypotheses: { clockBehind: boolean }[] };
    expect(caught.hypotheses[0]).toMatchObject({ expired: true, clockBehind: false });
    expect(caught.attention.join('\n')).not.toContain('clock');
  });

  it('takes the time-box from SOUL.md and refuses a longer one', async () => {
    await h.close();
    h = createHarness({ settings: { hypothesis_timebox_minutes: 10 } });
    const id = await openCheckout();
    const r = await h.call('start_hypothesis', { incidentId: id, statement: 'DNS', timeboxMinutes: 30 });
    expect(r.text).toContain('field "timeboxMinutes": 30 is longer than the 10-minute time-box in SOUL.md');
    expect(await h.store.listHypotheses(id)).toEqual([]);
    const ok = await h.ok<{ hypothesis: { timeboxMinutes: number } }>('start_hypothesis', {
      incidentId: id,
      statement: 'DNS',
    });
    expect(ok.hypothesis.timeboxMinutes).toBe(10);
  });

  it('resolves a hypothesis once, with evidence, on the timeline', async () => {
    const id = await openCheckout();
    await h.ok('start_hypothesis', { incidentId: id, statement: 'DB pool exhausted' });
    h.clock.advanceMinutes(20);
    const r = await h.ok<{ hypothesis: { status: string }; overranMinutes: number; next: string }>(
      'resolve_hypothesis',
      { id: 'h-1', outcome: 'confirmed', evidence: 'pool at 100% since 13:48' },
    );
    expect(r).toMatchObject({ hypothesis: { status: 'confirmed' }, overranMinutes: 5 });
    expect(r.next).toMatch(/mitigate first/);
    expect((await h.call('resolve_hypothesis', { id: 'H-1', outcome: 'ruled_out', evidence: 'x' })).text).toContain(
      'hypothesis H-1 is already confirmed',
    );
    expect((await h.call('resolve_hypothesis', { id: 'H-1', outcome: 'maybe', evidence: 'x' })).text).toContain(
      'field "outcome"',
    );
    const events = await h.store.listTimeline(id, { kinds: ['hypothesis'] });
    expect(events.map((e) => e.text)).toEqual([
      expect.stringMatching(/^Hypothesis \(15-min time-box/),
      'H-1 confirmed: DB pool exhausted — pool at 100% since 13:48',
    ]);
  });
});

describe('update cadence', () => {
  it('reports the SEV1 customer update overdue after 15 simulated minutes, not before, and restarts the schedule on a severity change', async () => {
    const id = await openCheckout();
    h.clock.advanceMinutes(15);
    expect((await state()).schedule.find((s) => s.audience === 'customer')?.overdue).toBe(false);
    h.clock.advanceMinutes(1);
    expect((await state()).schedule.find((s) => s.audience === 'customer')?.overdue).toBe(true);
    await h.ok('update_incident', {
      incidentId: id,
      severity: 'SEV2',
      reason: 'rollback done; checkout works but slow',
    });
    const after = await state();
    expect(after.schedule.find((s) => s.audience === 'customer')?.overdue).toBe(false);
    expect((await h.store.severityHistory(id)).map((c) => [c.from, c.to, c.reason])).toEqual([
      [null, 'SEV1', expect.any(String)],
      ['SEV1', 'SEV2', 'rollback done; checkout works but slow'],
    ]);
  });
});

describe('incident lifecycle', () => {
  it('moves through statuses, records impact figures, and computes durations from the recorded milestones', async () => {
    const id = await openCheckout('2026-11-26T13:50:00Z');
    h.clock.advanceMinutes(4);
    await h.ok('assign_roles', { incidentId: id });
    h.clock.advanceMinutes(10);
    await h.ok('update_incident', {
      incidentId: id,
      status: 'identified',
      usersAffected: 12_000,
      revenueImpact: 48_000,
    });
    h.clock.advanceMinutes(6);
    await h.ok('update_incident', { incidentId: id, status: 'monitoring' });
    h.clock.advanceMinutes(25);
    const resolved = await h.ok<{
      durations: Record<string, number>;
      postmortem: { dueAt: string; required: boolean };
    }>('resolve_incident', { incidentId: id, resolution: 'rolled back v2.14.0' });
    expect(resolved.durations).toEqual({
      timeToDetectMinutes: 10,
      timeToAcknowledgeMinutes: 4,
      timeToMitigateMinutes: 30,
      timeToResolveMinutes: 55,
    });
    expect(resolved.postmortem).toEqual({ required: true, dueAt: '2026-11-28T14:45:00.000Z', deadlineHours: 48 });
    const incident = await h.store.getIncident(id);
    expect(incident).toMatchObject({
      status: 'resolved',
      resolution: 'rolled back v2.14.0',
      impact: { usersAffected: 12_000, revenueImpact: 48_000 },
    });
    const milestones = (await h.store.listTimeline(id))
      .filter((e) => e.kind === 'status' || e.kind === 'milestone')
      .map((e) => [e.at.slice(11, 16), e.text]);
    expect(milestones).toEqual([
      ['14:14', 'Status: identified'],
      ['14:20', 'Status: monitoring'],
      ['14:20', 'Mitigated: customer impact stopped'],
      ['14:45', 'Resolved: rolled back v2.14.0'],
    ]);
  });

  it('refuses bad changes naming the field, and writes nothing', async () => {
    const id = await openCheckout();
    const before = await h.store.countTimeline(id);
    expect((await h.call('update_incident', { incidentId: id, severity: 'SEV3' })).text).toContain(
      'field "reason": is required to change severity SEV1 → SEV3',
    );
    expect((await h.call('update_incident', { incidentId: id, status: 'resolved' })).text).toContain(
      'field "status": expected one of "investigating", "identified", "monitoring"',
    );
    expect((await h.call('update_incident', { incidentId: id })).text).toContain('nothing to change');
    expect((await h.call('resolve_incident', { incidentId: id })).text).toContain('field "resolution": is required');
    expect(
      (await h.call('resolve_incident', { incidentId: id, resolution: 'x', resolvedAt: '2026-11-27T00:00:00Z' })).text,
    ).toContain('field "resolvedAt": is in the future');
    expect(await h.store.countTimeline(id)).toBe(before);
    await h.ok('resolve_incident', { incidentId: id, resolution: 'fixed' });
    expect(await h.call('resolve_incident', { incidentId: id, resolution: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect((await h.call('update_incident', { incidentId: id, status: 'identified' })).text).toContain('is resolved');
    const reopened = await h.ok<{ incident: { status: string; resolvedAt: string | null } }>('update_incident', {
      incidentId: id,
      reopen: true,
      reason: 'errors came back',
    });
    expect(reopened.incident).toMatchObject({ status: 'investigating', resolvedAt: null });
  });
});

describe('memory of past incidents', () => {
  it('finds a similar past incident on the same service and names its unfinished fix', async () => {
    const old = await openCheckout('2026-11-20T10:00:00Z');
    await h.ok('create_action_item', {
      incidentId: old,
      title: 'Add a canary stage for payment-api deploys',
      owner: 'Priya',
      due: '2026-12-05',
      kind: 'prevent',
    });
    await h.ok('resolve_incident', { incidentId: old, resolution: 'rolled back the gateway client' });
    await h.ok('open_incident', { title: 'Search is slow', services: ['search'] });
    h.clock.advanceMinutes(60);
    const now = await openCheckout();
    const found = await h.ok<{
      matches: { id: string; resolution: string | null; sharedServices: string[]; openActionItems: { id: string }[] }[];
      unfinishedFixes: string[];
      summary: string;
    }>('find_similar_incidents', { incidentId: now });
    expect(found.matches[0]).toMatchObject({
      id: old,
      resolution: 'rolled back the gateway client',
      sharedServices: ['payment-api'],
      openActionItems: [{ id: 'AI-1' }],
    });
    expect(found.matches.map((m) => m.id)).not.toContain(now);
    expect(found.matches.map((m) => m.id)).not.toContain('INC-2');
    expect(found.unfinishedFixes).toEqual([
      expect.stringMatching(
        /^AI-1 "Add a canary stage for payment-api deploys" — proposed in INC-1, still open \(owner Priya, due/,
      ),
    ]);
    expect((await h.call('find_similar_incidents', {})).text).toContain('give incidentId, services or symptoms');
  });
});

describe('post-mortems', () => {
  it('builds a blameless draft whose timeline and durations match the recorded incident', async () => {
    const id = await openCheckout('2026-11-26T13:50:00Z');
    await h.ok('assign_roles', { incidentId: id, incidentCommander: 'Jordan' });
    await h.ok('log_event', {
      incidentId: id,
      kind: 'observation',
      text: 'Dave pushed a bad config to the payment gateway client',
    });
    await h.ok('start_hypothesis', {
      incidentId: id,
      statement: 'the v2.14.0 config change exhausts the DB connection pool',
    });
    h.clock.advanceMinutes(12);
    await h.ok('resolve_hypothesis', { id: 'H-1', outcome: 'confirmed', evidence: 'pool saturated since 13:48' });
    await h.ok('update_incident', { incidentId: id, status: 'monitoring', usersAffectedPct: 100 });
    h.clock.advanceMinutes(18);
    await h.ok('resolve_incident', { incidentId: id, resolution: 'rolled back v2.14.0' });
    const pm = await h.ok<{
      markdown: string;
      durations: Record<string, number>;
      factors: { category: string; guardrail: string }[];
      blameless: { clean: boolean };
      missing: string[];
      proposed: string[];
      dueAt: string;
    }>('generate_postmortem', {
      incidentId: id,
      actionItems: [
        { title: 'Canary stage with automatic rollback for payment-api', owner: 'Priya', due: '14d', kind: 'prevent' },
      ],
    });
    expect(pm.durations).toEqual({
      timeToDetectMinutes: 10,
      timeToAcknowledgeMinutes: 0,
      timeToMitigateMinutes: 22,
      timeToResolveMinutes: 40,
    });
    const recorded = await h.store.listTimeline(id);
    for (const e of recorded.filter((x) => !/Dave/.test(x.text))) expect(pm.markdown).toContain(e.text.slice(0, 40));
    expect(pm.markdown).not.toMatch(/Dave/);
    expect(pm.markdown).toMatch(
      /## Impact assessment[\s\S]*Severity: SEV1[\s\S]*Customer-facing: yes[\s\S]*Duration of impact: 40 min/,
    );
    expect(pm.markdown).toMatch(/### 5 Whys[\s\S]*1\. \*\*Why did users see/);
    expect(pm.markdown).toMatch(
      /### Contributing-factor tree\n- Customer impact: Checkout failing \(SEV1\)\n {2}- Change[\s\S]*Missing guardrail: A staged rollout \(canary\)/,
    );
    expect(pm.factors.map((f) => f.category)).toEqual(expect.arrayContaining(['Change', 'Limits', 'Detection']));
    expect(pm.markdown).toMatch(
      /## Action items\n- AI-1 Canary stage with automatic rollback for payment-api — owner Priya, due \d{4}-\d{2}-\d{2}/,
    );
    expect(pm.dueAt).toBe('2026-11-28T14:30:00.000Z');
    expect(pm).toMatchObject({ blameless: { clean: true }, missing: [] });
    const published = await h.ok<{ published: boolean }>('generate_postmortem', { incidentId: id, publish: true });
    expect(published.published).toBe(true);
    expect((await h.store.getIncident(id))?.postmortemPublishedAt).toBe('2026-11-26T14:30:00.000Z');
  });

  it('will not publish a post-mortem that blames, has no action items, or is for a live incident', async () => {
    const id = await openCheckout();
    const live = await h.call('generate_postmortem', { incidentId: id, publish: true });
    expect(live.text).toMatch(/cannot be published yet: the incident is not resolved; at least one action item/);
    await h.ok('resolve_incident', { incidentId: id, resolution: 'fixed' });
    const blaming = await h.call('generate_postmortem', {
      incidentId: id,
      whys: ['Because Sam deployed without testing.'],
      actionItems: [{ title: 'Add tests', owner: 'Sam', due: '7d', kind: 'detect' }],
      publish: true,
    });
    expect(blaming.text).toMatch(/blameless wording: 1 sentence\(s\) name a person as the cause/);
    const bad = await h.call('generate_postmortem', {
      incidentId: id,
      actionItems: [
        { title: 'ok', owner: 'Priya', due: '7d', kind: 'detect' },
        { title: 'no owner', owner: 'TBD', due: '7d', kind: 'detect' },
      ],
    });
    expect(bad.text).toContain('field "actionItems[1].owner": "TBD" is not an owner');
    // Neither the refused publish nor the bad item wrote anything.
    expect((await h.store.listActionItems({ incidentId: id })).map((i) => i.title)).toEqual([]);
  });

  it('reports a post-mortem overdue 48 hours after resolution', async () => {
    const id = await openCheckout();
    await h.ok('resolve_incident', { incidentId: id, resolution: 'fixed' });
    h.clock.advanceMinutes(47 * 60);
    expect((await state()).postmortem.overdue).toBe(false);
    h.clock.advanceMinutes(61);
    const late = await state();
    expect(late.postmortem.overdue).toBe(true);
    expect(late.attention.join('\n')).toMatch(/Post-mortem overdue since 14:00 UTC \(due 48 h after resolution\)/);
  });
});

describe('check_blameless', () => {
  it('flags "Dave pushed a bad config" and passes its systemic rewording', async () => {
    const flagged = await h.ok<{ clean: boolean; findings: { reason: string; suggestion: string }[] }>(
      'check_blameless',
      { text: 'Dave pushed a bad config.' },
    );
    expect(flagged.clean).toBe(false);
    expect(flagged.findings[0]).toMatchObject({ reason: 'person_as_cause' });
    expect(flagged.findings[0]?.suggestion).toMatch(/change as the subject/);
    expect(
      await h.ok('check_blameless', {
        text: 'A configuration change reached production without validation or a canary stage.',
      }),
    ).toEqual({ clean: true, findings: [] });
  });
});
