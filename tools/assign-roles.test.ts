import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../test/support/harness.js';

type Roles = {
  roles: {
    role: string;
    title: string;
    person: string | null;
    need: string | null;
    interim: boolean;
    source: string;
  }[];
  needs: string[];
  warnings: string[];
  summary: string[];
};

let h: Harness;
afterEach(() => h?.close());

async function openPaymentIncident(reporter = 'Alex'): Promise<string> {
  const out = await h.ok<{ incident: { id: string } }>('open_incident', {
    title: 'Payment API returning 500s',
    description: "customers can't check out",
    services: ['payment-api'],
    reporter,
  });
  return out.incident.id;
}

describe('assign_roles', () => {
  it('keeps the reporter as interim IC and turns missing owners into explicit needs, as in the seed', async () => {
    h = createHarness();
    const id = await openPaymentIncident();
    const out = await h.ok<Roles>('assign_roles', { incidentId: id });
    expect(out.summary).toEqual([
      'IC: Alex (until a dedicated IC joins)',
      'Comms: Need someone to update the status page every 15 minutes',
      'Tech Lead: Need an engineer with payment-api ownership',
      'Scribe: Need someone to record every action, decision and finding on the timeline as it happens',
    ]);
    expect(out.needs).toHaveLength(3);
    expect(out.roles[0]).toMatchObject({
      role: 'incident_commander',
      person: 'Alex',
      interim: true,
      source: 'reporter',
    });
    const [event] = await h.store.listTimeline(id, { kinds: ['roles'] });
    expect(event?.text).toMatch(/^Roles: IC: Alex \(until a dedicated IC joins\); Comms: Need someone/);
  });

  it('fills roles from the roster: the on-call owner of the service leads the investigation', async () => {
    h = createHarness({
      roster: {
        file: 'roster.yaml',
        people: [
          { name: 'Priya', owns: ['payment-api'], can_serve: [], on_call: true, available: true },
          { name: 'Omar', owns: ['payment-api'], can_serve: [], on_call: false, available: true },
          { name: 'Lee', owns: [], can_serve: ['incident_commander'], on_call: true, available: true },
          { name: 'Kim', owns: [], can_serve: ['communications_lead'], on_call: false, available: true },
          { name: 'Away', owns: [], can_serve: ['scribe'], on_call: false, available: false },
        ],
      },
    });
    const id = await openPaymentIncident();
    const out = await h.ok<Roles>('assign_roles', { incidentId: id });
    expect(out.roles.map((r) => [r.role, r.person])).toEqual([
      ['incident_commander', 'Lee'],
      ['communications_lead', 'Kim'],
      ['technical_lead', 'Priya'],
      ['scribe', 'Omar'],
    ]);
    expect(out.needs).toEqual([]);
  });

  it('lets named people win, keeps earlier assignments, and hands IC over when a dedicated IC joins', async () => {
    h = createHarness();
    const id = await openPaymentIncident();
    await h.ok('assign_roles', { incidentId: id, communicationsLead: 'Sam' });
    h.clock.advanceMinutes(5);
    const out = await h.ok<Roles>('assign_roles', {
      incidentId: id,
      incidentCommander: 'Jordan',
      technicalLead: 'Priya',
    });
    expect(out.roles.map((r) => [r.role, r.person, r.source])).toEqual([
      ['incident_commander', 'Jordan', 'explicit'],
      ['communications_lead', 'Sam', 'kept'],
      ['technical_lead', 'Priya', 'explicit'],
      ['scribe', null, 'unfilled'],
    ]);
    expect(out.roles[0]?.interim).toBe(false);
  });

  it('warns when one person holds two roles', async () => {
    h = createHarness();
    const id = await openPaymentIncident();
    const out = await h.ok<Roles>('assign_roles', { incidentId: id, incidentCommander: 'Sam', technicalLead: 'sam' });
    expect(out.warnings).toEqual([expect.stringMatching(/^sam holds incident_commander and technical_lead/)]);
  });

  it('uses the role names from SOUL.md settings', async () => {
    h = createHarness({
      settings: {
        roles: [
          { id: 'incident_commander', title: 'Incident Lead', short: 'Lead', duty: 'Runs the incident.' },
          { id: 'customer_liaison', title: 'Customer Liaison', short: 'Liaison', duty: 'Talks to affected customers.' },
        ],
      },
    });
    const id = await openPaymentIncident('Alex');
    const out = await h.ok<Roles>('assign_roles', {
      incidentId: id,
      other: [{ role: 'customer_liaison', person: 'Ana' }],
    });
    expect(out.summary).toEqual(['Lead: Alex (until a dedicated IC joins)', 'Liaison: Ana']);
    const bad = await h.call('assign_roles', { incidentId: id, scribe: 'Bo' });
    expect(bad.text).toContain(
      'role "scribe" is not defined in SOUL.md settings.roles (defined: incident_commander, customer_liaison)',
    );
  });

  it('refuses an unknown extra role by name, writing nothing', async () => {
    h = createHarness();
    const id = await openPaymentIncident();
    const result = await h.call('assign_roles', { incidentId: id, other: [{ role: 'hero', person: 'Bo' }] });
    expect(result.ok).toBe(false);
    expect(result.text).toContain('field "other[0].role": unknown role "hero"');
    expect(await h.store.listRoles(id)).toEqual([]);
  });
});
