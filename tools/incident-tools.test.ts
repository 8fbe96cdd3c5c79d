import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../test/support/harness.js';

let h: Harness;
afterEach(() => h?.close());

type Opened = {
  incident: { id: string; severity: string; status: string; services: string[]; declaredBy: string; startedAt: string };
  classification: { level: string; basis: string; openQuestions: string[] };
  schedule: { audience: string; nextDueAt: string | null }[];
  warnings: string[];
  next: string[];
};

describe('open_incident', () => {
  it('opens the seed incident as SEV1, starts the timeline and schedules the first updates', async () => {
    h = createHarness();
    const out = await h.ok<Opened>('open_incident', {
      title: 'Payment API returning 500s',
      description: "customers can't check out",
      services: ['payment-api'],
      reporter: 'Alex',
    });
    expect(out.incident).toMatchObject({
      id: 'INC-1',
      severity: 'SEV1',
      status: 'investigating',
      services: ['payment-api'],
      declaredBy: 'Alex',
    });
    expect(out.schedule.find((s) => s.audience === 'customer')?.nextDueAt).toBe('2026-11-26T14:15:00.000Z');
    expect(out.next[0]).toMatch(/^assign_roles/);
    const [declared] = await h.store.listTimeline('INC-1');
    expect(declared).toMatchObject({ kind: 'declared', author: 'Alex' });
  });

  it('keeps an explicitly declared lower level but warns, and flags a possible duplicate', async () => {
    h = createHarness();
    await h.ok('open_incident', { title: 'Checkout errors', services: ['payment-api'] });
    const out = await h.ok<Opened>('open_incident', {
      title: 'Payments failing',
      description: "customers can't pay",
      services: ['payment-api'],
      severity: 'SEV3',
    });
    expect(out.incident.severity).toBe('SEV3');
    expect(out.warnings.join('\n')).toMatch(/declared SEV3, but the signals support SEV1/);
    expect(out.warnings.join('\n')).toMatch(/possible duplicate: INC-1 "Checkout errors" is open on payment-api/);
  });

  it('refuses times in the future or out of order', async () => {
    h = createHarness();
    expect((await h.call('open_incident', { title: 'x', startedAt: '2026-11-27T00:00:00Z' })).text).toContain(
      'field "startedAt": is in the future',
    );
    expect(
      (
        await h.call('open_incident', {
          title: 'x',
          startedAt: '2026-11-26T13:00:00Z',
          detectedAt: '2026-11-26T12:00:00Z',
        })
      ).text,
    ).toContain('field "detectedAt": is before startedAt');
    expect((await h.call('open_incident', { title: 'x', startedAt: 'an hour ago' })).text).toContain(
      'field "startedAt": must be an ISO 8601 time',
    );
    expect(await h.store.listIncidents()).toEqual([]);
  });
});

describe('get_incident and log_event', () => {
  it('shows roles, schedule, escalations and what needs attention now', async () => {
    h = createHarness();
    await h.ok('open_incident', { title: 'Checkout down', description: "customers can't check out", reporter: 'Alex' });
    let state = await h.ok<{ attention: string[] }>('get_incident', { incidentId: 'inc-1' });
    expect(state.attention[0]).toMatch(/^No roles assigned/);
    await h.ok('assign_roles', { incidentId: 'INC-1' });
    h.clock.advanceMinutes(16);
    state = await h.ok<{ attention: string[] }>('get_incident', { incidentId: '1' });
    const attention = state.attention.join('\n');
    expect(attention).toContain(
      'Communications Lead unfilled: Need someone to update the status page every 15 minutes',
    );
    expect(attention).toContain('customer update overdue by 1 min (was due 14:15 UTC)');
    expect(attention).not.toContain('Escalation due');
    h.clock.advanceMinutes(15);
    state = await h.ok<{ attention: string[] }>('get_incident', { incidentId: 'INC-1' });
    expect(state.attention.join('\n')).toContain('Escalation due since 14:30 UTC: Not mitigated after 30 minutes');
  });

  it('appends scribe entries, backdated ones sorted into place, and pages the timeline', async () => {
    h = createHarness();
    await h.ok('open_incident', { title: 'Checkout down' });
    h.clock.advanceMinutes(5);
    await h.ok('log_event', {
      incidentId: 'INC-1',
      kind: 'decision',
      text: 'Roll back 4f2a1c: it landed 10 min before the errors',
      author: 'Priya',
    });
    await h.ok('log_event', {
      incidentId: 'INC-1',
      kind: 'observation',
      text: 'Error rate 100% on /checkout',
      at: '2026-11-26T14:02:00Z',
    });
    const state = await h.ok<{
      timeline: { kind: string; text: string }[];
      timelineTotal: number;
      timelineTruncated: boolean;
    }>('get_incident', { incidentId: 'INC-1', timelineLimit: 2 });
    expect(state.timeline.map((e) => e.kind)).toEqual(['observation', 'decision']);
    expect(state).toMatchObject({ timelineTotal: 3, timelineTruncated: true });
    expect(
      (await h.call('log_event', { incidentId: 'INC-1', text: 'later', at: '2026-11-27T00:00:00Z' })).text,
    ).toContain('field "at"');
    expect((await h.call('log_event', { incidentId: 'INC-1', text: 'evil \u001b[2J' })).text).toContain(
      'must not contain control characters',
    );
    expect(await h.store.countTimeline('INC-1')).toBe(3);
  });
});
